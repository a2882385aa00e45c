/** Config schema of the sinks (`sinks:` list), snake_case as written in YAML. */
import { z } from "zod";
import { Batch, found, HostPortString, HttpUrl, Id, Only } from "./fields.ts";

/** Named defaults of the sink settings (env-driven ones live in `env.ts`). */
export const SINK_DEFAULTS = {
  kafka: { compression: "gzip", anomalies_topic_suffix: "-anomalies", client_id_prefix: "agent-" },
  elasticsearch: { flavor: "auto", anomalies_index_suffix: "-anomalies", dead_letter_dir: "dead-letter" },
} as const;

const common = { id: Id, only: Only, batch: Batch };

const Topic = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, { error: (i) => `expected a Kafka topic name (letters, digits, '.', '_', '-'), found ${found(i.input)}` });

const IndexName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._+-]{0,254}$/, { error: (i) => `expected a lowercase index name, found ${found(i.input)}` });

/** `type: kafka` — JSON records to a topic (key: agent id); anomaly events to a second topic. */
export const KafkaSinkSchema = z
  .object({
    type: z.literal("kafka"),
    ...common,
    /** Default: `KAFKA_BOOTSTRAP_SERVERS` (comma-separated) or 127.0.0.1:9092. */
    brokers: z.array(HostPortString).min(1).optional(),
    /** Default: `KAFKA_TOPIC` or `metrics`. */
    topic: Topic.optional(),
    /** Default: `<topic>-anomalies`. */
    anomalies_topic: Topic.optional(),
    /** Default: `agent-<agent.id>`. */
    client_id: z.string().min(1).optional(),
    compression: z.enum(["gzip", "zstd", "none"]).default(SINK_DEFAULTS.kafka.compression),
  })
  .strict();

const Auth = z.union(
  [
    z.object({ username: z.string().min(1), password: z.string() }).strict(),
    z.object({ api_key: z.string().min(1) }).strict(),
  ],
  { error: (i) => `expected {username, password} or {api_key}, found ${found(i.input)}` },
);

/** `type: elasticsearch` — bulk `create` into an index (Elasticsearch 8/9 or OpenSearch 2/3). */
export const ElasticsearchSinkSchema = z
  .object({
    type: z.literal("elasticsearch"),
    ...common,
    /** Default: `ELASTICSEARCH_HOST` (http:// added when missing) or http://127.0.0.1:9200. */
    hosts: z.array(HttpUrl).min(1).optional(),
    index: IndexName,
    /** Default: `<index>-anomalies`. */
    anomalies_index: IndexName.optional(),
    flavor: z.enum(["auto", "elasticsearch", "opensearch"]).default(SINK_DEFAULTS.elasticsearch.flavor),
    auth: Auth.optional(),
    /** Default: `<data_dir>/dead-letter/<id>.jsonl`. */
    dead_letter_path: z.string().min(1).optional(),
  })
  .strict();

/** `type: file` — JSON lines appended to a local file. */
export const FileSinkSchema = z.object({ type: z.literal("file"), ...common, path: z.string().min(1) }).strict();

/** `type: stdout` — JSON lines on standard output. */
export const StdoutSinkSchema = z.object({ type: z.literal("stdout"), ...common }).strict();

/** One entry of `sinks:`, chosen by `type`. */
export const SinkSchema = z.discriminatedUnion("type", [KafkaSinkSchema, ElasticsearchSinkSchema, FileSinkSchema, StdoutSinkSchema]);

/** A parsed sink config (snake_case). */
export type SinkConfigFile = z.infer<typeof SinkSchema>;
