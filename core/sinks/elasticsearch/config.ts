/**
 * `type: elasticsearch` in `sinks:`: the YAML schema (snake_case, defaults declared here once)
 * and its conversion to the runtime config {@link ElasticsearchSinkConfig}.
 * @module
 */
import { join, resolve } from "node:path";
import { z } from "zod";
import { found, HttpUrl } from "../../config/fields.ts";
import { SINK_COMMON, sinkBase, type SinkConfigBase, type SinkContext } from "../component.ts";
import { SEARCH_FLAVORS, type SearchFlavor } from "./client.ts";
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

const Auth = z.union([z.object({ username: z.string().min(1), password: z.string() }).strict(), z.object({ api_key: z.string().min(1) }).strict()], {
  error: (i) => `expected {username, password} or {api_key}, found ${found(i.input)}`,
});

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
    /** Default: `<data_dir>/dead-letter/<id>.jsonl`. */
    dead_letter_path: z.string().min(1).optional(),
  })
  .strict();

/** A parsed `type: elasticsearch` entry. */
export type ElasticsearchSinkFile = z.output<typeof ElasticsearchSinkSchema>;

/** Credentials of an Elasticsearch/OpenSearch sink. */
export type ElasticsearchAuth = { username: string; password: string } | { apiKey: string };

/** `type: elasticsearch` runtime config. */
export interface ElasticsearchSinkConfig extends SinkConfigBase {
  type: "elasticsearch";
  hosts: string[];
  index: string;
  anomaliesIndex: string;
  flavor: SearchFlavor;
  auth?: ElasticsearchAuth;
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
    hosts: s.hosts ?? [...d.hosts],
    index: s.index,
    anomaliesIndex: s.anomalies_index ?? `${s.index}${d.anomalies_index_suffix}`,
    flavor: s.flavor,
    ...(s.auth ? { auth: "api_key" in s.auth ? { apiKey: s.auth.api_key } : { username: s.auth.username, password: s.auth.password } } : {}),
    deadLetterPath: s.dead_letter_path ? resolve(ctx.configDir, s.dead_letter_path) : join(ctx.dataDir, d.dead_letter_dir, `${s.id}.jsonl`),
  };
}
