/**
 * The runtime config (camelCase): what `agent run` wires components from. Produced only by
 * `toRuntimeConfig` from the parsed YAML; durations are milliseconds, paths are absolute,
 * every default is filled.
 */

/*
 * Sources and sinks: each component declares its runtime config beside its schema
 * (core/sources/<type>/config.ts, core/sinks/<type>/config.ts); the unions come from the catalogs.
 */
import type { LearnSettings } from "../learn/settings.ts";

export type { SourceConfig } from "../../core/sources/catalog.ts";
export type { SinkConfig } from "../../core/sinks/catalog.ts";
export type { BatchConfig } from "../../core/sinks/component.ts";
export type { OnlyFilter as SinkOnly } from "../../core/sinks/shared/only.ts";

/** `model.registry`: follow a model published on a registry (see `agent/updater/`). */
export interface RegistryModelConfig {
  url: string;
  /** Model name on the registry. */
  name: string;
  channel: "stable" | "canary";
  /** Shared agent token (legacy); with an enrollment token the agent's own credential is used instead. */
  token?: string;
  /** The operator's enrollment token (inline or read from `enroll_token_file` at start). */
  enrollToken?: string;
  /** Absolute path of the enrollment token file (read when the agent enrolls). */
  enrollTokenFile?: string;
  /** Absolute path of the file holding a shared agent token (legacy; read when the updater starts; wins over `token`). */
  tokenFile?: string;
  /** Absolute path of the PEM CA file the registry's HTTPS certificate is verified with. */
  ca?: string;
  /** Absolute path of the registry's Ed25519 public key (SPKI PEM; legacy); when set, only validly signed bundles are accepted. */
  publicKey?: string;
  /** Publisher public keys: absolute file paths or base64 keys; bundles and rollbacks must be signed by one. */
  publisherKeys?: string[];
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
export type ModelConfig = ({ online: string; alarmsPerDay?: number } | { bundle: string }) & {
  registry?: RegistryModelConfig;
  /** `model.shadow`: the reference `loadModel` takes (`online:…` or an absolute bundle path). */
  shadow?: string;
  /** `model.shadow_share` (default 1). */
  shadowShare?: number;
  /** `model.learn`: on-host training (agent/learn); off when absent. */
  learn?: LearnSettings;
};

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

import type { SinkConfig } from "../../core/sinks/catalog.ts";
import type { SourceConfig } from "../../core/sources/catalog.ts";
import type { DriftSettings } from "../../core/scoring/drift.ts";
import type { HostSettings } from "../../core/scoring/host.ts";

/** The whole runtime config. */
export interface AgentConfig {
  /** The config file it came from (`<default>` for the embedded one). */
  file: string;
  agent: { id: string; dataDir: string; hostName: string };
  sources: SourceConfig[];
  model: ModelConfig;
  scoring: ScoringConfig;
  /** `scoring.drift:` (defaults filled by `toRuntimeConfig`; off when absent). */
  drift?: DriftSettings;
  /** `scoring.host:` (off when absent or not enabled). */
  host?: HostSettings;
  sinks: SinkConfig[];
  server: { enabled: boolean; host: string; port: number };
  telemetry: { pushgateway?: string; pushIntervalMs: number; job: string };
  buffer: BufferConfig;
}
