/**
 * `scoring.host`: the host model (models/host) in the runtime. Each round of a member source
 * becomes one aligned host vector (counters as rates); vectors are buffered in memory until
 * there are enough to train on, then the model is trained off the scoring thread (in a Worker,
 * `host-train.ts`: nice 19, paced into the gaps between rounds by core/runtime/pace.ts; in
 * slices on this thread only when no Worker can start) and retrained every `retrainMs`; or it is
 * loaded from a file. Each vector is scored (one plain-TS forward pass), and its score goes
 * through the same hysteresis as a series' into anomaly events on `agent.host`, with the
 * contributing metrics.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { HOST_ANOMALY_METRIC, type AnomalyRecord, type MetricSample, type OutRecord } from "../events.ts";
import { parseHostModel, serializeHostModel } from "../../models/host/format.ts";
import type { HostContributor, HostModel } from "../../models/host/model.ts";
import { HostRowBuffer } from "../../models/host/rows.ts";
import { MIN_HOST_ROWS, trainHostModel, type HostTrainOptions } from "../../models/host/train.ts";
import { HostVectorizer } from "../../models/host/vector.ts";
import { roundEnded } from "../runtime/pace.ts";
import { HostWorkerStartError, trainHostInWorker } from "./host-train.ts";
import { HysteresisTracker, transitionFields, type HysteresisOptions } from "./hysteresis.ts";
import type { HostMetrics } from "../telemetry/host-metrics.ts";

/** A sample that joined by label counts in the vectors of member rounds for this long after it came. */
export const EXTRA_TTL_MS = 5 * 60_000;

/** Settings of the host model (config `scoring.host`). */
export interface HostSettings {
  enabled: boolean;
  /** Sources whose rounds form the vector (ids); default: every procfs source. */
  sources?: string[];
  /** A sample of any source carrying this label (`key` or `key=value`) joins the vector too. */
  label?: string;
  /** Contributors named per event. */
  topK: number;
  /** Rounds buffered before the first training. */
  minRounds: number;
  /** Retrain on the buffered rounds this often (ms; 0 = never). */
  retrainMs: number;
  /** Bytes of buffered vectors at most. */
  bufferBytes: number;
  /** A model file to load instead of learning on the host (models/host/format.ts). */
  modelFile?: string;
  /**
   * Where a model learned on the host is kept (`<data_dir>/host-model.json`), so a restart scores
   * at once instead of buffering `minRounds` again; unset: not kept.
   */
  statePath?: string;
  /** Training options (tests shorten epochs). */
  train?: Omit<HostTrainOptions, "onProgress" | "signal" | "slice" | "now">;
  /**
   * Where training runs: `worker` (default; a Worker thread at nice 19, paced) or `process` (in
   * slices on the scoring thread, as the fallback when no Worker can start; benchmarks compare).
   */
  trainIn?: "worker" | "process";
  /** Share of one core the training worker may use (core/runtime/pace.ts; default {@link HOST_TRAIN_BUDGET}; 1 = unpaced). */
  trainBudget?: number;
  /** A training in the worker fails after this long (ms; default {@link HOST_TRAIN_TIMEOUT_MS}). */
  trainTimeoutMs?: number;
  /** The training worker's file (tests); default `host-train.ts`'s `hostWorkerUrl()`. */
  trainWorkerUrl?: string;
}

/** Default share of one core the host model's training worker uses (as `model.learn`'s default budget). */
export const HOST_TRAIN_BUDGET = 0.25;
/** Default time a training in the worker may take before it counts as failed. */
export const HOST_TRAIN_TIMEOUT_MS = 2 * 3_600_000;

/** What `/status` shows of the host model. */
export interface HostStatus {
  trained: boolean;
  training: boolean;
  /** `learned` on this host or `file`. */
  origin: "learned" | "file" | null;
  metrics: number;
  rows: number;
  buffer_bytes: number;
  trained_at: string | null;
  train_seconds: number | null;
  last_score: number | null;
  last_contributors: HostContributor[];
  open: boolean;
  events: number;
  error: string | null;
}

/** Where a host event's fields come from. */
export interface HostRoundContext {
  agentId: string;
  hostName: string;
  /** Takes the next `agent.seq`. */
  take(): number;
}

/** The host model's part of the round. */
export class HostScoring {
  /** One per source: a counter's previous value is its source's. */
  private readonly vectorizers = new Map<string, HostVectorizer>();
  private readonly buffer: HostRowBuffer;
  /** Samples of non-member sources that joined by label, with when they came (kept ≤ {@link EXTRA_TTL_MS}). */
  private readonly extra = new Map<string, { v: number; at: number }>();
  private model: HostModel | undefined;
  private origin: HostStatus["origin"] = null;
  private training: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private tracker: HysteresisTracker;
  private peakContributors: HostContributor[] = [];
  private peakScore = 0;
  /** No training starts before this time (ms): the next retrain, or a retry after a failure. */
  private nextTrainAt = 0;
  private last: { score: number; contributors: HostContributor[] } | undefined;
  private events = 0;
  private trainSeconds: number | null = null;
  private error: string | null = null;
  private vec = new Float64Array(0);
  private readonly labelKey: string | undefined;
  private readonly labelValue: string | undefined;
  /** Rounds ended, shared with the training worker (it works in the gaps between rounds). */
  private readonly gate = new Int32Array(new SharedArrayBuffer(4));
  /** A Worker could not start: training runs in slices on this thread from then on. */
  private inProcess: boolean;

  constructor(
    readonly settings: HostSettings,
    private readonly hyst: HysteresisOptions,
    private readonly metrics?: HostMetrics,
    /** Where a warning goes (the fallback to in-process training). */
    private readonly warn: (message: string) => void = () => {},
  ) {
    this.inProcess = settings.trainIn === "process";
    this.buffer = new HostRowBuffer({ maxBytes: settings.bufferBytes });
    this.tracker = new HysteresisTracker(hyst);
    if (settings.label) [this.labelKey, this.labelValue] = settings.label.split("=", 2);
    if (settings.modelFile) {
      try {
        this.setModel(parseHostModel(readFileSync(settings.modelFile, "utf8")), "file");
      } catch (e) {
        this.error = `model file ${settings.modelFile} refused: ${(e as Error).message}`.slice(0, 500);
        metrics?.errors.inc({ type: "load_failed" });
      }
    } else if (settings.statePath && existsSync(settings.statePath)) {
      try {
        const model = parseHostModel(readFileSync(settings.statePath, "utf8"));
        this.setModel(model, "learned");
        this.nextTrainAt = settings.retrainMs > 0 ? model.parts.trainedAt + settings.retrainMs : Number.POSITIVE_INFINITY;
      } catch (e) {
        // a damaged kept model is learned again
        this.error = `kept model ${settings.statePath} refused: ${(e as Error).message}`.slice(0, 500);
        metrics?.errors.inc({ type: "load_failed" });
      }
    }
  }

  /** Whether a round of `source` (id, type) forms a host vector. */
  member(id: string, type: string): boolean {
    return this.settings.sources ? this.settings.sources.includes(id) : type === "procfs";
  }

  /** The trained model, if any. */
  get current(): HostModel | undefined {
    return this.model;
  }

  /** Resolves when a training in progress is over (tests, benchmarks). */
  settled(): Promise<void> {
    return this.training ?? Promise.resolve();
  }

  /**
   * Takes one source round: samples of a member source (or carrying the label) update the host
   * vector; a member source's round is then buffered and scored. Returns the host anomaly event
   * of the round, if any (its seq taken through `ctx`).
   */
  round(source: { id: string; type: string }, samples: readonly MetricSample[], now: number, ctx: HostRoundContext): OutRecord[] {
    try {
      return this.roundOf(source, samples, now, ctx);
    } finally {
      roundEnded(this.gate); // the training worker may work until the next round
    }
  }

  private roundOf(source: { id: string; type: string }, samples: readonly MetricSample[], now: number, ctx: HostRoundContext): OutRecord[] {
    const member = this.member(source.id, source.type);
    const joining = member ? samples : this.labelKey ? samples.filter((s) => this.labelled(s)) : [];
    if (joining.length === 0) return [];
    const ts = joining[0].timestamp;
    let vectorizer = this.vectorizers.get(source.id);
    if (!vectorizer) this.vectorizers.set(source.id, (vectorizer = new HostVectorizer()));
    const values = vectorizer.round(joining, ts);
    if (!member) {
      for (const [k, v] of values) this.extra.set(k, { v, at: now });
      return [];
    }
    for (const [k, e] of this.extra) {
      if (now - e.at > EXTRA_TTL_MS) this.extra.delete(k);
      else if (!values.has(k)) values.set(k, e.v);
    }
    this.buffer.push(values);
    this.maybeTrain(now);
    this.metrics?.rows.set(this.buffer.length);
    const model = this.model;
    if (!model) return [];
    const vec = this.vec.length === model.width ? this.vec : (this.vec = new Float64Array(model.width));
    model.names.forEach((n, j) => (vec[j] = values.get(n) ?? Number.NaN));
    const s = model.score(vec, this.settings.topK);
    this.last = { score: s.score, contributors: s.contributors };
    this.metrics?.score.set(s.score);
    this.metrics?.contribution.reset();
    for (const c of s.contributors) this.metrics?.contribution.set({ metric: c.name }, c.share);
    const tr = this.tracker.update(s.score, ts);
    // an event names the contributors of its stretch's highest score so far
    if (tr?.kind === "open" || (this.tracker.isOpen && s.score > this.peakScore)) {
      this.peakContributors = s.contributors;
      this.peakScore = s.score;
    }
    if (!tr) return [];
    this.events++;
    this.metrics?.events.inc({ state: tr.kind });
    const doc: AnomalyRecord = {
      "@timestamp": new Date(ts).toISOString(),
      agent: { id: ctx.agentId, seq: ctx.take() },
      host: { name: ctx.hostName },
      metric: { name: HOST_ANOMALY_METRIC, labels: { group: this.group(source.id) } },
      anomaly: {
        ...transitionFields(tr, this.hyst.open),
        contributors: this.peakContributors.map((c) => ({ name: c.name, share: Math.round(c.share * 1e4) / 1e4 })),
      },
      model: { name: "host-ae", version: String(model.parts.trainedAt) },
      event: { kind: "alert" },
    };
    if (tr.kind === "close") this.peakScore = 0;
    return [{ kind: "anomaly", doc }];
  }

  private labelled(s: MetricSample): boolean {
    const v = s.labels[this.labelKey!];
    return v !== undefined && (this.labelValue === undefined || v === this.labelValue);
  }

  private group(sourceId: string): string {
    return this.settings.label ?? sourceId;
  }

  private setModel(model: HostModel, origin: "learned" | "file"): void {
    this.model = model;
    this.origin = origin;
    this.metrics?.trained.set(1);
    this.metrics?.width.set(model.width);
  }

  /** Starts a training (in the background) when there are enough rounds and none is running. */
  private maybeTrain(now: number): void {
    if (this.training || this.origin === "file" || now < this.nextTrainAt || this.buffer.length < Math.max(this.settings.minRounds, MIN_HOST_ROWS)) return;
    const m = this.buffer.matrix();
    if (!m) return;
    const retry = this.settings.retrainMs > 0 ? this.settings.retrainMs : Number.POSITIVE_INFINITY;
    const started = performance.now();
    this.training = this.train(m.rows, m.n, m.names, now)
      .then((model) => {
        this.setModel(model, "learned");
        this.trainSeconds = (performance.now() - started) / 1000;
        this.metrics?.trainSeconds.set(this.trainSeconds);
        this.error = null;
        this.nextTrainAt = now + retry;
        this.keep(model);
      })
      .catch((e: unknown) => {
        if (this.abort.signal.aborted) return;
        this.error = `training failed: ${(e as Error).message}`.slice(0, 500);
        this.metrics?.errors.inc({ type: "train_failed" });
        // try again after a retrain period, or in 10 minutes without one
        this.nextTrainAt = now + Math.min(retry, 600_000);
      })
      .finally(() => {
        this.training = undefined;
      });
  }

  /**
   * Trains in the worker (the model comes back serialized and is parsed strictly here), or in
   * slices on this thread when no Worker can start (said once in the log, then kept so).
   */
  private async train(rows: Float32Array, n: number, names: string[], now: number): Promise<HostModel> {
    const options = { seed: 1, ...this.settings.train, now };
    if (!this.inProcess) {
      try {
        const { text } = await trainHostInWorker(rows, n, names, options, {
          budget: this.settings.trainBudget ?? HOST_TRAIN_BUDGET,
          gate: this.gate,
          timeoutMs: this.settings.trainTimeoutMs ?? HOST_TRAIN_TIMEOUT_MS,
          signal: this.abort.signal,
          url: this.settings.trainWorkerUrl,
        });
        return parseHostModel(text);
      } catch (e) {
        if (!(e instanceof HostWorkerStartError)) throw e;
        this.inProcess = true;
        this.warn(`${e.message}; training the host model in slices on the scoring thread instead`);
        // rows were not transferred: no worker took them
      }
    }
    return trainHostModel(rows, n, names, { ...options, signal: this.abort.signal });
  }

  /** Writes a learned model to `statePath` (atomically); a failure is counted, the model is used anyway. */
  private keep(model: HostModel): void {
    const path = this.settings.statePath;
    if (!path) return;
    try {
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, serializeHostModel(model));
      renameSync(tmp, path);
    } catch (e) {
      this.error = `could not keep the model at ${path}: ${(e as Error).message}`.slice(0, 500);
      this.metrics?.errors.inc({ type: "save_failed" });
    }
  }

  /** `/status`'s `host`. */
  status(): HostStatus {
    const p = this.model?.parts;
    return {
      trained: this.model !== undefined,
      training: this.training !== undefined,
      origin: this.origin,
      metrics: this.model?.width ?? 0,
      rows: this.buffer.length,
      buffer_bytes: this.buffer.heldBytes,
      trained_at: p ? new Date(p.trainedAt).toISOString() : null,
      train_seconds: this.trainSeconds,
      last_score: this.last?.score ?? null,
      last_contributors: this.last?.contributors ?? [],
      open: this.tracker.isOpen,
      events: this.events,
      error: this.error,
    };
  }

  /** Stops a training in progress (terminates its worker). */
  dispose(): void {
    this.abort.abort(new Error("host scoring stopped"));
  }
}
