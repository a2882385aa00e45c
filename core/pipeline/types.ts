/**
 * Options and collaborator types of the {@link Pipeline} (see `pipeline.ts`).
 * @module
 */
import type { Logger } from "pino";
import type { BufferSettings } from "../buffer/index.ts";
import type { MetricSample } from "../events.ts";
import type { HysteresisOptions } from "../scoring/hysteresis.ts";
import type { ModelFailure, RoundInfo, SwapOptions } from "../scoring/scorer.ts";
import type { DriftSettings, DriftStatus } from "../scoring/drift.ts";
import type { HostSettings } from "../scoring/host.ts";
import type { ShadowStatus } from "../scoring/shadow.ts";
import type { DriverOptions } from "../sinks/driver.ts";
import type { OnlyFilter } from "../sinks/shared/only.ts";
import type { Sink } from "../sinks/sink.ts";
import type { Source } from "../sources/source.ts";
import type { Telemetry } from "../telemetry/metrics.ts";
import type { ScoringModel } from "../../models/model.ts";

/** The record buffer a pipeline opens: the `buffer:` config section in runtime form (`dir` is `<data_dir>/buffer` for a disk buffer). */
export type PipelineBufferConfig = BufferSettings;

/** One sink of the pipeline: its id, how its driver batches and filters, and how to build it. */
export interface SinkSpec {
  /** The sink's id (its buffer cursor is named after it). */
  id: string;
  /** Which records it receives (default all). */
  only?: OnlyFilter;
  /** How its driver batches and retries (defaults: core/sinks/driver.ts). */
  driver?: Partial<Omit<DriverOptions, "only">>;
  /** Builds the sink; called at every start and reload (a stopped driver closes its sink). */
  create(): Sink;
}

/** Sources: built ones, or a factory called at every start and reload (a stop closes them). */
export type SourcesSpec = Source[] | (() => Source[]);

/** A background task that runs beside the rounds until `signal` aborts (restarted after a reload). */
export type PipelineTask = (signal: AbortSignal) => Promise<void>;

/** What a {@link ModelWatcher} can do to the running pipeline (the agent's `UpdaterHost`). */
export interface ModelHost {
  /** The model scoring now. */
  current(): ScoringModel | undefined;
  /** Swaps the scorer's model between rounds; resolves to the model it replaced. */
  swap(model: ScoringModel, options: SwapOptions): Promise<ScoringModel>;
  /** Runtime figures for a heartbeat: the deepest sink backlog and every sink's state. */
  facts(): {
    bufferDepth: number;
    sinks: { id: string; state: string; last_error?: string }[];
    /** Drift summary (undefined when drift is off). */
    drift?: DriftStatus;
    /** Shadow comparison (undefined without a shadow model). */
    shadow?: ShadowStatus;
  };
}

/**
 * Something that watches the scoring and may replace the model (the agent's model updater): it
 * sees every round and every model failure, and gets a {@link ModelHost} once the scorer exists.
 */
export interface ModelWatcher {
  onRound(round: RoundInfo): void;
  onModelFailure(failure: ModelFailure): ScoringModel | undefined;
  /** The samples of every round that was scored (after the scoring; on-host training keeps its history from them). */
  onSamples?(samples: readonly MetricSample[]): void;
  attach(host: ModelHost): void;
  /** Releases what it holds (called at the stop, before the current model is disposed). */
  dispose?(): void;
}

/** Options of {@link Pipeline}. */
export interface PipelineOptions {
  agentId: string;
  /** `host.name` of the records (empty: the scorer's default). */
  hostName: string;
  /** `<data_dir>`: its lock, `seq.json` and (disk) the buffer live there. */
  dataDir: string;
  buffer: PipelineBufferConfig;
  /** Event thresholds (the model's threshold when unset). */
  scoring?: { openThreshold?: number; closeThreshold?: number; minPoints?: number };
  /** Input and score drift of every scored point (core/scoring/drift.ts); off when absent. */
  drift?: DriftSettings;
  /** The host model over the whole metric vector (core/scoring/host.ts); off when absent or not enabled. */
  host?: HostSettings;
  /** A candidate model scoring in the shadow (core/scoring/shadow.ts), or how to load it once the live one is; one that fails to load is logged and left out. */
  shadow?: ScoringModel | (() => Promise<ScoringModel>);
  /** Share of the series the shadow scores (default 1; a hash of the series key picks them): bounds its cost. */
  shadowShare?: number;
  sources: SourcesSpec;
  sinks: SinkSpec[];
  /** The model, or how to get it: called once the data dir is open and locked. */
  model: ScoringModel | (() => Promise<ScoringModel>);
  /** Sees rounds and model failures and may swap the model (see {@link ModelWatcher}). */
  watcher?: ModelWatcher;
  /** Background tasks started with the sources and stopped with them (a registry poll, a metrics push); a factory is asked again at every reload. */
  tasks?: PipelineTask[] | (() => PipelineTask[]);
  log: Logger;
  /** Metrics (default: a new {@link Telemetry}). */
  telemetry?: Telemetry;
}

/** What a reload changes: sources and sinks (rebuilt), and the model when it is replaced. */
export interface ReloadSpec {
  sources: SourcesSpec;
  sinks: SinkSpec[];
  /** A new model (the running one is disposed), or undefined to keep it. */
  model?: ScoringModel;
}

/** Hysteresis options from {@link PipelineOptions.scoring}. */
export function hysteresisOf(s: PipelineOptions["scoring"]): Partial<HysteresisOptions> {
  return { open: s?.openThreshold, close: s?.closeThreshold, minPoints: s?.minPoints };
}
