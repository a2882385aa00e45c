/**
 * `type: elasticsearch` in `sinks:`: the YAML schema (snake_case, defaults declared here once)
 * and its conversion to the runtime config {@link ElasticsearchSinkConfig}.
 * @module
 */
import { join, resolve } from "node:path";
import { z } from "zod";
import { found, HttpUrl } from "../../config/fields.ts";
import { FilePath, oneSecret, type TlsFileRef } from "../../config/tls.ts";
import { SINK_COMMON, sinkBase, type SinkConfigBase, type SinkContext } from "../component.ts";
import { SEARCH_FLAVORS, type SearchFlavor } from "./client.ts";
import { isSha256Fingerprint } from "./pinning.ts";
import { ELASTICSEARCH_SINK_DEFAULTS } from "./sink.ts";

/**
 * Named defaults of the YAML keys. `hosts` is what applies when neither the YAML nor
 * `ELASTICSEARCH_HOST` sets it (agent/config fills that variable in).
 */
export const ELASTICSEARCH_CONFIG_DEFAULTS = {
  hosts: ["http://127.0.0.1:9200"],
  flavor: ELASTICSEARCH_SINK_DEFAULTS.flavor,
  anomalies_index_suffix: "-anomalies",
  /** Under `agent.data_dir`; the file is `<id>.jsonl`. */
  dead_letter_dir: "dead-letter",
} as const;

const IndexName = z.string().regex(/^[a-z0-9][a-z0-9._+-]{0,254}$/, { error: (i) => `expected a lowercase index name, found ${found(i.input)}` });

/**
 * `auth:` — basic (`username` + `password` | `password_file`) or an API key (`api_key` |
 * `api_key_file`: the encoded key Elasticsearch returns, or `id:api_key`).
 */
const Auth = z
  .object({
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    password_file: FilePath.optional(),
    api_key: z.string().min(1).optional(),
    api_key_file: FilePath.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const basic = a.username !== undefined || a.password !== undefined || a.password_file !== undefined;
    const key = a.api_key !== undefined || a.api_key_file !== undefined;
    if (basic === key) {
      ctx.addIssue({
        code: "custom",
        message: `expected {username, password | password_file} or {api_key | api_key_file}, found ${basic ? "both" : "neither"}`,
      });
      return;
    }
    if (basic && a.username === undefined) ctx.addIssue({ code: "custom", path: ["username"], message: "expected a username next to the password" });
    oneSecret(basic ? "password" : "api_key")(a, ctx);
  });

/** `tls:` — the CA (file or fingerprint), a client certificate, the server name, verification. */
const SearchTls = z
  .object({
    /** PEM file of the CA(s) that signed the nodes' certificates (default: the system's CAs). */
    ca: FilePath.optional(),
    /** SHA-256 fingerprint of a certificate of the server's chain (pinning; replaces `ca`). */
    ca_fingerprint: z
      .string()
      .refine(isSha256Fingerprint, { error: (i) => `expected a SHA-256 fingerprint (64 hex digits, ':' between pairs allowed), found ${found(i.input)}` })
      .optional(),
    /** PEM client certificate (mutual TLS); needs `key`. */
    cert: FilePath.optional(),
    /** PEM unencrypted private key of `cert`. */
    key: FilePath.optional(),
    /** Name checked against the nodes' certificates (default: the host of each URL). */
    server_name: z.string().min(1).optional(),
    /** Verify the nodes' certificates (default true; false is for tests only). */
    verify: z.boolean().default(true),
  })
  .strict()
  .refine((t) => (t.cert === undefined) === (t.key === undefined), { error: "expected both cert and key (mutual TLS) or neither" })
  .refine((t) => t.ca === undefined || t.ca_fingerprint === undefined, { error: "expected ca or ca_fingerprint, not both" });

/**
 * The Elasticsearch URL of an Elastic Cloud ID (`<name>:base64(<host>$<es id>[$<kibana id>])`),
 * as the client derives it; undefined when the ID is malformed.
 *
 * @example
 * cloudUrl(`edge:${btoa("eu-west-1.aws.found.io:443$abc$def")}`); // "https://abc.eu-west-1.aws.found.io:443"
 */
export function cloudUrl(id: string): string | undefined {
  const [name, b64, ...rest] = id.split(":");
  if (!name || !b64 || rest.length || !/^[A-Za-z0-9+/=]+$/.test(b64)) return undefined;
  const [host, es] = Buffer.from(b64, "base64").toString("utf8").split("$");
  if (!host || !es || /[\s/@?#]/.test(host + es)) return undefined;
  return `https://${es}.${host}`;
}

/** An Elastic Cloud ID: `<deployment name>:<base64>`. */
const CloudId = z
  .string()
  .refine((v) => cloudUrl(v) !== undefined, { error: (i) => `expected an Elastic Cloud ID (name:base64 of host$es-id[$kibana-id]), found ${found(i.input)}` });

/** `type: elasticsearch` — bulk `create` into an index (Elasticsearch 8/9 or OpenSearch 2/3). */
export const ElasticsearchSinkSchema = z
  .object({
    type: z.literal("elasticsearch"),
    ...SINK_COMMON,
    /** Default: `ELASTICSEARCH_HOST` (http:// added when missing) or http://127.0.0.1:9200. */
    hosts: z.array(HttpUrl).min(1).optional(),
    index: IndexName,
    /** Default: `<index>-anomalies`. */
    anomalies_index: IndexName.optional(),
    flavor: z.enum(SEARCH_FLAVORS).default(ELASTICSEARCH_CONFIG_DEFAULTS.flavor),
    auth: Auth.optional(),
    /** TLS to https nodes (default: the system's CAs, verified). */
    tls: SearchTls.optional(),
    /** Elastic Cloud ID; when set, the node URL comes from it and `hosts` is ignored. */
    cloud_id: CloudId.optional(),
    /** Default: `<data_dir>/dead-letter/<id>.jsonl`. */
    dead_letter_path: z.string().min(1).optional(),
  })
  .strict();

/** A parsed `type: elasticsearch` entry. */
export type ElasticsearchSinkFile = z.output<typeof ElasticsearchSinkSchema>;

/** Credentials of an Elasticsearch/OpenSearch sink. */
export type ElasticsearchAuth = { username: string; password?: string; passwordFile?: string } | { apiKey?: string; apiKeyFile?: string };

/** Runtime `tls:` of the sink (paths absolute). */
export interface ElasticsearchTlsConfig {
  caFile?: string;
  caFingerprint?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
  verify: boolean;
}

/** `type: elasticsearch` runtime config. */
export interface ElasticsearchSinkConfig extends SinkConfigBase {
  type: "elasticsearch";
  hosts: string[];
  index: string;
  anomaliesIndex: string;
  flavor: SearchFlavor;
  auth?: ElasticsearchAuth;
  tls?: ElasticsearchTlsConfig;
  cloudId?: string;
  /** Absolute path of the JSONL file that receives rejected documents. */
  deadLetterPath: string;
}

/**
 * Parsed entry → runtime config: anomalies index and dead-letter path derived when unset.
 *
 * @example
 * toElasticsearchSinkConfig(ElasticsearchSinkSchema.parse({ type: "elasticsearch", id: "e", index: "m" }), ctx).deadLetterPath;
 * // "<data_dir>/dead-letter/e.jsonl"
 */
export function toElasticsearchSinkConfig(s: ElasticsearchSinkFile, ctx: SinkContext): ElasticsearchSinkConfig {
  const d = ELASTICSEARCH_CONFIG_DEFAULTS;
  return {
    type: s.type,
    ...sinkBase(s),
    hosts: s.cloud_id ? [cloudUrl(s.cloud_id)!] : (s.hosts ?? [...d.hosts]),
    index: s.index,
    anomaliesIndex: s.anomalies_index ?? `${s.index}${d.anomalies_index_suffix}`,
    flavor: s.flavor,
    ...(s.auth ? { auth: toAuth(s.auth, ctx.configDir) } : {}),
    ...(s.tls ? { tls: toTls(s.tls, ctx.configDir) } : {}),
    ...(s.cloud_id ? { cloudId: s.cloud_id } : {}),
    deadLetterPath: s.dead_letter_path ? resolve(ctx.configDir, s.dead_letter_path) : join(ctx.dataDir, d.dead_letter_dir, `${s.id}.jsonl`),
  };
}

function toAuth(a: NonNullable<ElasticsearchSinkFile["auth"]>, dir: string): ElasticsearchAuth {
  if (a.username !== undefined) {
    return { username: a.username, ...(a.password !== undefined ? { password: a.password } : { passwordFile: resolve(dir, a.password_file!) }) };
  }
  return a.api_key !== undefined ? { apiKey: a.api_key } : { apiKeyFile: resolve(dir, a.api_key_file!) };
}

function toTls(t: NonNullable<ElasticsearchSinkFile["tls"]>, dir: string): ElasticsearchTlsConfig {
  return {
    ...(t.ca ? { caFile: resolve(dir, t.ca) } : {}),
    ...(t.ca_fingerprint ? { caFingerprint: t.ca_fingerprint } : {}),
    ...(t.cert ? { certFile: resolve(dir, t.cert) } : {}),
    ...(t.key ? { keyFile: resolve(dir, t.key) } : {}),
    ...(t.server_name ? { serverName: t.server_name } : {}),
    verify: t.verify,
  };
}

/** The files an Elasticsearch sink config names, for `agent validate` (`at`: e.g. `sinks[1]`). */
export function elasticsearchSinkFiles(c: ElasticsearchSinkConfig, at: string): TlsFileRef[] {
  const out: TlsFileRef[] = [];
  if (c.tls?.caFile) out.push({ key: `${at}.tls.ca`, file: c.tls.caFile, kind: "ca" });
  if (c.tls?.certFile) out.push({ key: `${at}.tls.cert`, file: c.tls.certFile, kind: "cert" });
  if (c.tls?.keyFile) out.push({ key: `${at}.tls.key`, file: c.tls.keyFile, kind: "key" });
  if (c.auth && "passwordFile" in c.auth && c.auth.passwordFile) out.push({ key: `${at}.auth.password_file`, file: c.auth.passwordFile, kind: "secret" });
  if (c.auth && "apiKeyFile" in c.auth && c.auth.apiKeyFile) out.push({ key: `${at}.auth.api_key_file`, file: c.auth.apiKeyFile, kind: "secret" });
  return out;
}
