/**
 * `toRuntimeConfig`: the one function that turns the parsed snake_case file into the camelCase
 * {@link AgentConfig} — durations to milliseconds, paths resolved against the config file's
 * directory, derived defaults (topics, indices, client id, timeouts) filled.
 */
import { join, resolve } from "node:path";
import { durationMs, sizeBytes } from "./fields.ts";
import { parseHostPort } from "./net.ts";
import { CONFIG_DEFAULTS, SINK_DEFAULTS, SOURCE_DEFAULTS, type ConfigFile, type SinkConfigFile, type SourceConfigFile } from "./schema.ts";
import { parseDuration } from "./duration.ts";
import { ENV_FALLBACKS } from "./env.ts";
import { onlineRef } from "../../models/online/default.ts";
import type { AgentConfig, BatchConfig, ModelConfig, RegistryModelConfig, ScoringConfig, SinkConfig, SourceConfig } from "./types.ts";

/** What `toRuntimeConfig` needs besides the file: where it lives and the machine's name. */
export interface RuntimeContext {
  /** Path of the config file (only reported). */
  file: string;
  /** Directory relative paths are resolved against. */
  configDir: string;
  /** Default for `agent.id` and `agent.host_name`. */
  hostname: string;
}

function toSource(s: SourceConfigFile, dir: string): SourceConfig {
  const intervalMs = durationMs(s.interval);
  switch (s.type) {
    case "synthetic":
      return { type: s.type, id: s.id, intervalMs, series: s.series, anomalyRatio: s.anomaly_ratio, seed: s.seed };
    case "procfs":
      return { type: s.type, id: s.id, intervalMs, root: resolve(dir, s.root), sysRoot: resolve(dir, s.sys_root) };
    case "prometheus": {
      const cap = parseDuration(SOURCE_DEFAULTS.prometheus.max_default_timeout) ?? 10_000;
      const timeoutMs = s.timeout === undefined ? Math.min(cap, intervalMs) : durationMs(s.timeout);
      return { type: s.type, id: s.id, url: s.url, intervalMs, timeoutMs, headers: { ...s.headers } };
    }
  }
}

function toSink(s: SinkConfigFile, dir: string, agentId: string, dataDir: string): SinkConfig {
  const batch: BatchConfig = { maxRecords: s.batch.max_records, maxBytes: s.batch.max_bytes, maxWaitMs: durationMs(s.batch.max_wait) };
  const base = { id: s.id, only: s.only, batch };
  switch (s.type) {
    case "kafka": {
      const topic = s.topic ?? ENV_FALLBACKS.kafkaTopic;
      return {
        type: s.type,
        ...base,
        brokers: s.brokers ?? [...ENV_FALLBACKS.kafkaBrokers],
        topic,
        anomaliesTopic: s.anomalies_topic ?? `${topic}${SINK_DEFAULTS.kafka.anomalies_topic_suffix}`,
        clientId: s.client_id ?? `${SINK_DEFAULTS.kafka.client_id_prefix}${agentId}`,
        compression: s.compression,
      };
    }
    case "elasticsearch":
      return {
        type: s.type,
        ...base,
        hosts: s.hosts ?? [...ENV_FALLBACKS.elasticsearchHosts],
        index: s.index,
        anomaliesIndex: s.anomalies_index ?? `${s.index}${SINK_DEFAULTS.elasticsearch.anomalies_index_suffix}`,
        flavor: s.flavor,
        ...(s.auth ? { auth: "api_key" in s.auth ? { apiKey: s.auth.api_key } : { username: s.auth.username, password: s.auth.password } } : {}),
        deadLetterPath: s.dead_letter_path
          ? resolve(dir, s.dead_letter_path)
          : join(dataDir, SINK_DEFAULTS.elasticsearch.dead_letter_dir, `${s.id}.jsonl`),
      };
    case "file":
      return { type: s.type, ...base, path: resolve(dir, s.path) };
    case "stdout":
      return { type: s.type, ...base };
  }
}

function toRegistry(r: NonNullable<ConfigFile["model"]["registry"]>, dir: string): RegistryModelConfig {
  const out: RegistryModelConfig = {
    url: r.url.replace(/\/+$/, ""),
    name: r.name,
    channel: r.channel,
    token: r.token,
    pollIntervalMs: durationMs(r.poll_interval),
    heartbeatIntervalMs: durationMs(r.heartbeat_interval),
    maxBundleBytes: sizeBytes(r.max_bundle_size),
  };
  if (r.request_timeout !== undefined) out.requestTimeoutMs = durationMs(r.request_timeout);
  if (r.public_key !== undefined) out.publicKey = resolve(dir, r.public_key);
  return out;
}

/**
 * Turns a parsed config file into the runtime config.
 *
 * @example
 * const parsed = ConfigFileSchema.parse(doc);
 * const config = toRuntimeConfig(parsed, { file: "agent.yaml", configDir: "/etc/agent", hostname: "edge-01" });
 * config.sources[0].intervalMs; // 1000
 */
export function toRuntimeConfig(parsed: ConfigFile, ctx: RuntimeContext): AgentConfig {
  const dir = ctx.configDir;
  const id = parsed.agent.id ?? ctx.hostname;
  const dataDir = resolve(dir, parsed.agent.data_dir);
  const model: ModelConfig =
    parsed.model.bundle !== undefined
      ? { bundle: resolve(dir, parsed.model.bundle) }
      : { online: parsed.model.online ?? CONFIG_DEFAULTS.model.online, ...(parsed.model.alarms_per_day !== undefined ? { alarmsPerDay: parsed.model.alarms_per_day } : {}) };
  if (parsed.model.registry) model.registry = toRegistry(parsed.model.registry, dir);
  const { open_threshold: open, close_threshold: close, min_points: minPoints } = parsed.scoring;
  const scoring: ScoringConfig = { minPoints };
  if (open !== undefined) scoring.openThreshold = open;
  if (close !== undefined || open !== undefined) scoring.closeThreshold = close ?? open! * CONFIG_DEFAULTS.scoring.close_ratio;
  const listen = parseHostPort(parsed.server.listen) ?? parseHostPort(CONFIG_DEFAULTS.server.listen)!;
  const telemetry: AgentConfig["telemetry"] = { pushIntervalMs: durationMs(parsed.telemetry.push_interval), job: parsed.telemetry.job };
  if (parsed.telemetry.pushgateway !== undefined) telemetry.pushgateway = parsed.telemetry.pushgateway;
  return {
    file: ctx.file,
    agent: { id, dataDir, hostName: parsed.agent.host_name ?? ctx.hostname },
    sources: parsed.sources.map((s) => toSource(s, dir)),
    model,
    scoring,
    sinks: parsed.sinks.map((s) => toSink(s, dir, id, dataDir)),
    server: { enabled: parsed.server.enabled, host: listen.host, port: listen.port },
    telemetry,
    buffer: {
      type: parsed.buffer.type,
      maxBytes: sizeBytes(parsed.buffer.max_size),
      whenFull: parsed.buffer.when_full,
      fsync: parsed.buffer.fsync,
      fsyncIntervalMs: durationMs(parsed.buffer.fsync_interval),
      segmentBytes: sizeBytes(parsed.buffer.segment_size),
      dir: join(dataDir, "buffer"),
    },
  };
}

/** The reference `loadModel` takes for a model config: `online:<name>` or the bundle directory. */
export function modelRef(model: ModelConfig): string {
  return "bundle" in model ? model.bundle : onlineRef(model.online, { alarmsPerDay: model.alarmsPerDay });
}

/**
 * Concrete hysteresis thresholds for a loaded model: open defaults to the model's threshold,
 * close to 0.8 × open.
 *
 * @example
 * resolveScoring({ minPoints: 1 }, 0.5); // { openThreshold: 0.5, closeThreshold: 0.4, minPoints: 1 }
 */
export function resolveScoring(scoring: ScoringConfig, modelThreshold: number): Required<ScoringConfig> {
  const openThreshold = scoring.openThreshold ?? modelThreshold;
  const closeThreshold = scoring.closeThreshold ?? openThreshold * CONFIG_DEFAULTS.scoring.close_ratio;
  return { openThreshold, closeThreshold: Math.min(closeThreshold, openThreshold), minPoints: scoring.minPoints };
}
