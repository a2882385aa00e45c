/**
 * `type: kafka` in `sinks:`: the YAML schema (snake_case, defaults declared here once) and its
 * conversion to the runtime config {@link KafkaSinkConfig}.
 * @module
 */
import { resolve } from "node:path";
import { z } from "zod";
import { found, HostPortString } from "../../config/fields.ts";
import { FilePath, oneSecret, type TlsFileRef } from "../../config/tls.ts";
import { SINK_COMMON, sinkBase, type SinkConfigBase, type SinkContext } from "../component.ts";
import { KAFKA_COMPRESSIONS, type KafkaCompression } from "./codecs.ts";
import { KAFKA_SINK_DEFAULTS } from "./sink.ts";

/**
 * Named defaults of the YAML keys. `brokers` and `topic` are what applies when neither the YAML
 * nor `KAFKA_BOOTSTRAP_SERVERS` / `KAFKA_TOPIC` set them (agent/config fills those variables in).
 */
export const KAFKA_CONFIG_DEFAULTS = {
  brokers: ["127.0.0.1:9092"],
  topic: "metrics",
  anomalies_topic_suffix: "-anomalies",
  client_id_prefix: "agent-",
  compression: KAFKA_SINK_DEFAULTS.compression,
} as const;

const Topic = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, { error: (i) => `expected a Kafka topic name (letters, digits, '.', '_', '-'), found ${found(i.input)}` });

/** SASL mechanisms kafkajs supports natively (the `mechanism` values). */
export const KAFKA_SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512"] as const;

/** `tls:` — `true` (system CAs) or the CA, client certificate, server name and verification. */
const KafkaTls = z.union([
  z.boolean(),
  z
    .object({
      /** PEM file of the CA(s) that signed the brokers' certificates (default: the system's CAs). */
      ca: FilePath.optional(),
      /** PEM client certificate (mutual TLS); needs `key`. */
      cert: FilePath.optional(),
      /** PEM unencrypted private key of `cert`. */
      key: FilePath.optional(),
      /** Name checked against the brokers' certificates (default: the host of each broker address). */
      server_name: z.string().min(1).optional(),
      /** Verify the brokers' certificates (default true; false is for tests only). */
      verify: z.boolean().default(true),
    })
    .strict()
    .refine((t) => (t.cert === undefined) === (t.key === undefined), { error: "expected both cert and key (mutual TLS) or neither" }),
]);

/** `sasl:` — mechanism, username and the password (from a file, `${VAR}` or, discouraged, inline). */
const KafkaSasl = z
  .object({
    mechanism: z.enum(KAFKA_SASL_MECHANISMS),
    username: z.string().min(1),
    password: z.string().min(1).optional(),
    password_file: FilePath.optional(),
  })
  .strict()
  .superRefine(oneSecret("password"));

/** `type: kafka` — JSON records to a topic (key: agent id); anomaly events to a second topic. */
export const KafkaSinkSchema = z
  .object({
    type: z.literal("kafka"),
    ...SINK_COMMON,
    /** Default: `KAFKA_BOOTSTRAP_SERVERS` (comma-separated) or 127.0.0.1:9092. */
    brokers: z.array(HostPortString).min(1).optional(),
    /** Default: `KAFKA_TOPIC` or `metrics`. */
    topic: Topic.optional(),
    /** Default: `<topic>-anomalies`. */
    anomalies_topic: Topic.optional(),
    /** Default: `agent-<agent.id>`. */
    client_id: z.string().min(1).optional(),
    compression: z.enum(KAFKA_COMPRESSIONS).default(KAFKA_CONFIG_DEFAULTS.compression),
    /** TLS to the brokers (SSL / SASL_SSL listeners). Default: plaintext. */
    tls: KafkaTls.optional(),
    /** SASL authentication (SASL_PLAINTEXT, or SASL_SSL with `tls`). */
    sasl: KafkaSasl.optional(),
  })
  .strict();

/** A parsed `type: kafka` entry. */
export type KafkaSinkFile = z.output<typeof KafkaSinkSchema>;

/** `type: kafka` runtime config. */
export interface KafkaSinkConfig extends SinkConfigBase {
  type: "kafka";
  /** `host:port` bootstrap servers. */
  brokers: string[];
  topic: string;
  anomaliesTopic: string;
  clientId: string;
  compression: KafkaCompression;
  /** TLS: `true` for the system CAs; file paths absolute. */
  tls?: true | KafkaTlsConfig;
  sasl?: KafkaSaslConfig;
}

/** Runtime `tls:` of the Kafka sink (paths absolute). */
export interface KafkaTlsConfig {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
  verify: boolean;
}

/** Runtime `sasl:` of the Kafka sink: the password inline or its file (read when the sink is built). */
export interface KafkaSaslConfig {
  mechanism: (typeof KAFKA_SASL_MECHANISMS)[number];
  username: string;
  password?: string;
  passwordFile?: string;
}

/**
 * Parsed entry → runtime config: topics and client id derived when unset.
 *
 * @example
 * toKafkaSinkConfig(KafkaSinkSchema.parse({ type: "kafka", id: "k", topic: "t" }), ctx).anomaliesTopic; // "t-anomalies"
 */
export function toKafkaSinkConfig(s: KafkaSinkFile, ctx: SinkContext): KafkaSinkConfig {
  const d = KAFKA_CONFIG_DEFAULTS;
  const topic = s.topic ?? d.topic;
  return {
    type: s.type,
    ...sinkBase(s),
    brokers: s.brokers ?? [...d.brokers],
    topic,
    anomaliesTopic: s.anomalies_topic ?? `${topic}${d.anomalies_topic_suffix}`,
    clientId: s.client_id ?? `${d.client_id_prefix}${ctx.agentId}`,
    compression: s.compression,
    ...(s.tls ? { tls: s.tls === true ? true : toTls(s.tls, ctx.configDir) } : {}),
    ...(s.sasl ? { sasl: toSasl(s.sasl, ctx.configDir) } : {}),
  };
}

function toTls(t: Exclude<NonNullable<KafkaSinkFile["tls"]>, boolean>, dir: string): KafkaTlsConfig {
  return {
    ...(t.ca ? { caFile: resolve(dir, t.ca) } : {}),
    ...(t.cert ? { certFile: resolve(dir, t.cert) } : {}),
    ...(t.key ? { keyFile: resolve(dir, t.key) } : {}),
    ...(t.server_name ? { serverName: t.server_name } : {}),
    verify: t.verify,
  };
}

function toSasl(s: NonNullable<KafkaSinkFile["sasl"]>, dir: string): KafkaSaslConfig {
  return {
    mechanism: s.mechanism,
    username: s.username,
    ...(s.password !== undefined ? { password: s.password } : {}),
    ...(s.password_file !== undefined ? { passwordFile: resolve(dir, s.password_file) } : {}),
  };
}

/** The files a Kafka sink config names, for `agent validate` (`at`: the entry's config path, e.g. `sinks[0]`). */
export function kafkaSinkFiles(c: KafkaSinkConfig, at: string): TlsFileRef[] {
  const out: TlsFileRef[] = [];
  if (c.tls && c.tls !== true) {
    if (c.tls.caFile) out.push({ key: `${at}.tls.ca`, file: c.tls.caFile, kind: "ca" });
    if (c.tls.certFile) out.push({ key: `${at}.tls.cert`, file: c.tls.certFile, kind: "cert" });
    if (c.tls.keyFile) out.push({ key: `${at}.tls.key`, file: c.tls.keyFile, kind: "key" });
  }
  if (c.sasl?.passwordFile) out.push({ key: `${at}.sasl.password_file`, file: c.sasl.passwordFile, kind: "secret" });
  return out;
}
