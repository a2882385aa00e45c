/** Types shared by the model updater's modules (`updater.ts`, `poll.ts`, `heartbeat.ts`). */
import type { Logger } from "pino";
import type { SwapOptions } from "../../core/scoring/scorer.ts";
import type { DriftStatus } from "../../core/scoring/drift.ts";
import type { ShadowStatus } from "../../core/scoring/shadow.ts";
import type { Telemetry } from "../../core/telemetry/metrics.ts";
import type { ScoringModel } from "../../models/model.ts";
import type { RegistryClientOptions } from "../../models/registry-protocol/client.ts";
import type { HeartbeatLearn } from "../../models/registry-protocol/heartbeat.ts";
import type { Resolution } from "../../models/registry-protocol/protocol.ts";
import type { RegistryModelConfig } from "../config/types.ts";
import type { Rejected } from "./decide.ts";
import type { ModelState } from "./state.ts";

/** Where the running model came from. */
export type ModelSource = "registry" | "bundle" | "online";

/** What the updater needs from the runtime that hosts it. */
export interface UpdaterHost {
  /** The model scoring now. */
  current(): ScoringModel | undefined;
  /** Swaps the scorer's model between rounds; resolves to the model it replaced. */
  swap(model: ScoringModel, options: SwapOptions): Promise<ScoringModel>;
  /** Runtime figures for the heartbeat (drift and shadow when the pipeline has them). */
  facts(): { bufferDepth: number; sinks: { id: string; state: string; last_error?: string }[]; drift?: DriftStatus; shadow?: ShadowStatus };
}

/** Options of {@link ModelUpdater}. */
export interface ModelUpdaterOptions {
  registry: RegistryModelConfig;
  agentId: string;
  hostName: string;
  /** `<data_dir>`: versions go to `<data_dir>/models/<name>/<version>/`, state to `models/state.json`. */
  dataDir: string;
  /** `loadModel` reference of the configured `online:`/`bundle:` model (runs until a registry model is accepted). */
  fallbackRef: string;
  log: Logger;
  telemetry: Telemetry;
  /**
   * Rounds that scored windows (warm-up rounds do not count) a new model must pass without an
   * exception or a non-finite score before it is accepted (default 5).
   */
  probationRounds?: number;
  /** The heartbeat's `learn` field (agents with `model.learn`, agent/learn). */
  learnFacts?: () => HeartbeatLearn | undefined;
  /** Injected for tests. */
  fetch?: RegistryClientOptions["fetch"];
  random?: () => number;
  now?: () => number;
}

/** The outcome of one poll, as `/status` shows it. */
export interface PollResult {
  at: string;
  result: "not_modified" | "up_to_date" | "switched" | "refused" | "skipped" | "load_failed" | "error";
  version?: string;
  detail?: string;
}

/** A reference to a model that ran (for `/status`). */
export interface ModelRef {
  name: string;
  version: string;
  source: ModelSource;
}

/** Mutable facts the poll and heartbeat modules read and update. */
export interface UpdaterState {
  state: ModelState;
  /** The registry version running now (undefined on the fallback model). */
  running?: { version: string; digest: string };
  source: ModelSource;
  previous?: ModelRef;
  rejected: Map<string, Rejected>;
  etag?: string;
  lastPoll?: PollResult;
  lastResolution?: Resolution;
  pollErrors: number;
  /** Load failures of `target` (a version that failed to load, warm up or pass probation). */
  failures: { target?: string; load: number; scoringOf?: string; scoring: number };
  lastError?: { at: number; message: string };
  startedFrom: "state.json" | "fallback";
  heartbeats: { sent: number; failed: number; lastError?: string };
  /** Errors counted since start, by `error_type` (as in `agent_component_errors_total{component="updater"}`). */
  errorCounts: Record<string, number>;
  /** Version being downloaded or loaded right now (pruning leaves it alone). */
  installing?: string;
  /** This agent's own registry credential (enrolled), used instead of the shared token. */
  credential?: string;
}
