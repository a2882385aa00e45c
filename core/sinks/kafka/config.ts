/**
 * `type: kafka` in `sinks:`: the YAML schema (snake_case, defaults declared here once) and its
 * conversion to the runtime config {@link KafkaSinkConfig}.
 * @module
 */
import { z } from "zod";
import { found, HostPortString } from "../../config/fields.ts";
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
  };
}
