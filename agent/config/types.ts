/**
 * The runtime config (camelCase): what `agent run` wires components from. Produced only by
 * `toRuntimeConfig` from the parsed YAML; durations are milliseconds, paths are absolute,
 * every default is filled.
 */

/** `type: synthetic` source. */
export interface SyntheticSourceConfig {
  type: "synthetic";
  id: string;
  intervalMs: number;
  series: number;
  anomalyRatio: number;
  seed: number;
}

/** `type: procfs` source. */
export interface ProcfsSourceConfig {
  type: "procfs";
  id: string;
  intervalMs: number;
  /** Absolute path of the procfs mount (default /proc). */
  root: string;
  /** Absolute path of the sysfs mount (default /sys). */
  sysRoot: string;
}

/** `type: prometheus` source. */
export interface PrometheusSourceConfig {
  type: "prometheus";
  id: string;
  url: string;
  intervalMs: number;
  timeoutMs: number;
  headers: Record<string, string>;
}

/** Any source. */
export type SourceConfig = SyntheticSourceConfig | ProcfsSourceConfig | PrometheusSourceConfig;

/** Which records a sink receives. */
export type SinkOnly = "all" | "points" | "anomalies";

/** Flush a batch when any limit is reached. */
export interface BatchConfig {
  maxRecords: number;
  maxBytes: number;
  maxWaitMs: number;
}

interface SinkBase {
  id: string;
  only: SinkOnly;
  batch: BatchConfig;
}

/** `type: kafka` sink. */
export interface KafkaSinkConfig extends SinkBase {
  type: "kafka";
  /** `host:port` bootstrap servers. */
  brokers: string[];
  topic: string;
  anomaliesTopic: string;
  clientId: string;
  compression: "gzip" | "zstd" | "none";
}

/** Credentials of an Elasticsearch/OpenSearch sink. */
export type ElasticsearchAuth = { username: string; password: string } | { apiKey: string };

/** `type: elasticsearch` sink. */
export interface ElasticsearchSinkConfig extends SinkBase {
  type: "elasticsearch";
  hosts: string[];
  index: string;
  anomaliesIndex: string;
  flavor: "auto" | "elasticsearch" | "opensearch";
  auth?: ElasticsearchAuth;
  /** Absolute path of the JSONL file that receives rejected documents. */
  deadLetterPath: string;
}

/** `type: file` sink. */
export interface FileSinkConfig extends SinkBase {
  type: "file";
  /** Absolute path. */
  path: string;
}

/** `type: stdout` sink. */
export interface StdoutSinkConfig extends SinkBase {
  type: "stdout";
}

/** Any sink. */
export type SinkConfig = KafkaSinkConfig | ElasticsearchSinkConfig | FileSinkConfig | StdoutSinkConfig;

/** `model.registry`: follow a model published on a registry (see `agent/updater/`). */
export interface RegistryModelConfig {
  url: string;
  /** Model name on the registry. */
  name: string;
  channel: "stable" | "canary";
  /** Agent token. */
  token: string;
  /** Absolute path of the Ed25519 public key (SPKI PEM); when set, only validly signed bundles are accepted. */
  publicKey?: string;
  pollIntervalMs: number;
  heartbeatIntervalMs: number;
  /** Largest bundle downloaded (sum of file sizes; default 64 MiB): the download is cut at it. */
  maxBundleBytes?: number;
  /** Per-request timeout, body included (default: the larger of 30 s and the poll interval). */
  requestTimeoutMs?: number;
}

/**
 * Which model scores: an online detector by name, or a bundle directory (absolute path). With
 * `registry`, that one runs only until a registry model is accepted (and when none can be).
 */
export type ModelConfig = ({ online: string; alarmsPerDay?: number } | { bundle: string }) & { registry?: RegistryModelConfig };

/** Anomaly-event hysteresis; unset thresholds follow the model (see `resolveScoring`). */
export interface ScoringConfig {
  openThreshold?: number;
  closeThreshold?: number;
  minPoints: number;
}

/** The record buffer between the scorer and the sinks (`buffer:`). */
export interface BufferConfig {
  type: "disk" | "memory";
  maxBytes: number;
  whenFull: "block" | "drop_newest";
  fsync: "always" | "interval" | "never";
  fsyncIntervalMs: number;
  segmentBytes: number;
  /** Absolute path: `<data_dir>/buffer`. */
  dir: string;
}

/** The whole runtime config. */
export interface AgentConfig {
  /** The config file it came from (`<default>` for the embedded one). */
  file: string;
  agent: { id: string; dataDir: string; hostName: string };
  sources: SourceConfig[];
  model: ModelConfig;
  scoring: ScoringConfig;
  sinks: SinkConfig[];
  server: { enabled: boolean; host: string; port: number };
  telemetry: { pushgateway?: string; pushIntervalMs: number; job: string };
  buffer: BufferConfig;
}
