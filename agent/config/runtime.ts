/**
 * `toRuntimeConfig`: the one function that turns the parsed snake_case file into the camelCase
 * {@link AgentConfig} — durations to milliseconds, paths resolved against the config file's
 * directory, derived defaults (topics, indices, client id, timeouts) filled. Each source and sink
 * converts its own entry (`toConfig` of its component, listed in core/sources|sinks/catalog.ts).
 */
import { join, resolve } from "node:path";
import { durationMs, sizeBytes } from "../../core/config/fields.ts";
import { parseHostPort } from "../../core/config/net.ts";
import { toSinkConfig } from "../../core/sinks/catalog.ts";
import { toSourceConfig } from "../../core/sources/catalog.ts";
import { CONFIG_DEFAULTS, type ConfigFile } from "./schema.ts";
import { toLearnSettings } from "./learn-schema.ts";
import { onlineRef } from "../../models/online/default.ts";
import type { AgentConfig, ModelConfig, RegistryModelConfig, ScoringConfig } from "./types.ts";
import type { HostSettings } from "../../core/scoring/host.ts";

/** What `toRuntimeConfig` needs besides the file: where it lives and the machine's name. */
export interface RuntimeContext {
  /** Path of the config file (only reported). */
  file: string;
  /** Directory relative paths are resolved against. */
  configDir: string;
  /** Default for `agent.id` and `agent.host_name`. */
  hostname: string;
}

/** True when a `publisher_keys` entry is a key written inline (base64 of 32 raw or 44 SPKI bytes), not a file. */
export function isInlineKey(k: string): boolean {
  return /^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9+/]{59}=?$/.test(k.trim());
}

function toRegistry(r: NonNullable<ConfigFile["model"]["registry"]>, dir: string): RegistryModelConfig {
  const out: RegistryModelConfig = {
    url: r.url.replace(/\/+$/, ""),
    name: r.name,
    channel: r.channel,
    pollIntervalMs: durationMs(r.poll_interval),
    heartbeatIntervalMs: durationMs(r.heartbeat_interval),
    maxBundleBytes: sizeBytes(r.max_bundle_size),
  };
  if (r.request_timeout !== undefined) out.requestTimeoutMs = durationMs(r.request_timeout);
  if (r.token !== undefined) out.token = r.token;
  if (r.enroll_token !== undefined) out.enrollToken = r.enroll_token;
  if (r.enroll_token_file !== undefined) out.enrollTokenFile = resolve(dir, r.enroll_token_file);
  if (r.public_key !== undefined) out.publicKey = resolve(dir, r.public_key);
  // A key inline is base64 (no '/' path separator beyond base64's own, 43+ characters); anything else is a file.
  if (r.publisher_keys !== undefined) out.publisherKeys = r.publisher_keys.map((k) => (isInlineKey(k) ? k : resolve(dir, k)));
  if (r.token_file !== undefined) out.tokenFile = resolve(dir, r.token_file);
  if (r.ca !== undefined) out.ca = resolve(dir, r.ca);
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
      : {
          online: parsed.model.online ?? CONFIG_DEFAULTS.model.online,
          ...(parsed.model.alarms_per_day !== undefined ? { alarmsPerDay: parsed.model.alarms_per_day } : {}),
        };
  if (parsed.model.registry) model.registry = toRegistry(parsed.model.registry, dir);
  const shadow = parsed.model.shadow;
  if (shadow !== undefined) model.shadow = shadow.startsWith("online:") ? shadow : resolve(dir, shadow);
  if (parsed.model.shadow_share !== undefined) model.shadowShare = parsed.model.shadow_share;
  if (parsed.model.learn) model.learn = toLearnSettings(parsed.model.learn);
  const { open_threshold: open, close_threshold: close, min_points: minPoints, drift: d, host: h } = parsed.scoring;
  const host: HostSettings = {
    enabled: h.enabled,
    topK: h.top_k,
    minRounds: h.min_rounds,
    retrainMs: durationMs(h.retrain_every),
    bufferBytes: sizeBytes(h.buffer_size),
  };
  if (h.sources) host.sources = h.sources;
  if (h.label) host.label = h.label;
  if (h.model_file) host.modelFile = resolve(dir, h.model_file);
  const drift = {
    enabled: d.enabled,
    level: d.level,
    stride: d.stride,
    reference: d.reference,
    halfLife: d.half_life,
    scoreReference: d.score_reference,
    scoreHalfLife: d.score_half_life,
    scoreSamples: d.score_samples,
    scoreSettle: d.score_settle,
    maxSeries: d.max_series,
    top: d.top,
  };
  const scoring: ScoringConfig = { minPoints };
  if (open !== undefined) scoring.openThreshold = open;
  if (close !== undefined || open !== undefined) scoring.closeThreshold = close ?? open! * CONFIG_DEFAULTS.scoring.close_ratio;
  const listen = parseHostPort(parsed.server.listen) ?? parseHostPort(CONFIG_DEFAULTS.server.listen)!;
  const telemetry: AgentConfig["telemetry"] = { pushIntervalMs: durationMs(parsed.telemetry.push_interval), job: parsed.telemetry.job };
  if (parsed.telemetry.pushgateway !== undefined) telemetry.pushgateway = parsed.telemetry.pushgateway;
  return {
    file: ctx.file,
    agent: { id, dataDir, hostName: parsed.agent.host_name ?? ctx.hostname },
    sources: parsed.sources.map((s) => toSourceConfig(s, { configDir: dir })),
    model,
    scoring,
    drift,
    host,
    sinks: parsed.sinks.map((s) => toSinkConfig(s, { configDir: dir, agentId: id, dataDir })),
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
