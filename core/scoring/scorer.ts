import type { MetricSample, OutRecord, PointRecord } from "../events.ts";
import type { ScoringModel, SeriesState } from "../../models/model.ts";
import { realClock, type Clock } from "../runtime/clock.ts";
import { HysteresisTracker, transitionFields, type HysteresisOptions } from "./hysteresis.ts";
import type { ModelFailure, ScorerOptions, SwapOptions } from "./scorer-types.ts";
import { countNonFinite, finiteScores } from "./finite-scores.ts";
import { cachedKey } from "./series-key.ts";
import { ScoringDrift } from "./drift.ts";
import { Shadow, type ShadowSeries } from "./shadow.ts";

export { NON_FINITE_SCORE } from "./finite-scores.ts";
export type { ModelFailure, RoundInfo, ScorerOptions, SwapOptions } from "./scorer-types.ts";

/** The `event` of every point record: one shared, frozen object (one allocation less per point). */
const EVENT_METRIC: PointRecord["event"] = Object.freeze({ kind: "metric" });

interface SeriesEntry {
  key: string;
  name: string;
  labels: Record<string, string>;
  state: SeriesState;
  tracker: HysteresisTracker;
  lastSeen: number;
  /** Timestamp of the newest sample fed to the model (-Infinity before the first). */
  lastTs: number;
  /** State of the shadow model, when there is one. */
  shadow?: ShadowSeries;
  /** Points since the series' input drift stream last took one (see `scoring.drift.stride`). */
  driftSkip: number;
}

/**
 * Scores source rounds: every sample goes to its series' streaming state, all series of a
 * round are scored in one batched model call, and each point becomes a data-contract record
 * (`agent.seq` taken per record). Anomaly events are emitted with hysteresis.
 */
export class Scorer {
  private model: ScoringModel;
  private readonly series = new Map<string, SeriesEntry>();
  private hyst: HysteresisOptions;
  private rounds = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly clock: Clock;
  /** Input and score drift (`scoring.drift`), when enabled. */
  readonly drift: ScoringDrift | undefined;
  /** The shadow model's scoring and comparison (`model.shadow`), when there is one. */
  readonly shadow: Shadow | undefined;

  constructor(
    model: ScoringModel,
    private readonly o: ScorerOptions,
  ) {
    this.model = model;
    this.clock = o.clock ?? realClock;
    this.hyst = this.thresholds(model);
    o.telemetry.modelInfo.set({ name: model.name, version: model.version }, 1);
    if (o.drift?.enabled) (this.drift = new ScoringDrift(o.drift, o.telemetry.drift)).model(model);
    if (o.shadow) this.shadow = new Shadow(o.shadow, o.telemetry.shadow, { minPoints: this.hyst.minPoints, lateMs: o.shadowLateMs, share: o.shadowShare });
  }

  /** The model in use. */
  get current(): ScoringModel {
    return this.model;
  }

  /** Number of series with state. */
  get seriesCount(): number {
    return this.series.size;
  }

  /**
   * Swaps the model now (call it between rounds, or use {@link swapBetweenRounds}); series
   * states restart (warm-up) on the new model unless `keepState`. Returns the previous model.
   */
  swapModel(model: ScoringModel, options: SwapOptions = {}): ScoringModel {
    const old = this.model;
    this.o.telemetry.modelInfo.reset();
    this.o.telemetry.modelInfo.set({ name: model.name, version: model.version }, 1);
    const hyst = this.thresholds(model);
    const sameHyst = hyst.open === this.hyst.open && hyst.close === this.hyst.close && hyst.minPoints === this.hyst.minPoints;
    const keep = typeof options.keepState === "function" ? options.keepState(old) : (options.keepState ?? false);
    this.model = model;
    this.hyst = hyst;
    this.rounds = 0;
    this.drift?.model(model);
    for (const e of this.series.values()) {
      if (!keep) e.state = model.createState();
      if (!keep || !sameHyst) e.tracker = new HysteresisTracker(this.hyst);
    }
    return old;
  }

  /** Swaps the model once the round being scored (if any) is done: no round sees two models. */
  swapBetweenRounds(model: ScoringModel, options: SwapOptions = {}): Promise<ScoringModel> {
    return this.exclusive(() => this.swapModel(model, options));
  }

  /** Runs `fn` after every earlier round or swap finished. */
  private exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private thresholds(model: ScoringModel): HysteresisOptions {
    const open = this.o.hysteresis?.open ?? model.threshold;
    return { open, close: this.o.hysteresis?.close ?? 0.8 * open, minPoints: this.o.hysteresis?.minPoints ?? 1 };
  }

  /** Scores one round of samples (`now`: when it was received, default the clock's time) and returns the records to ship (points, then events). */
  score(samples: readonly MetricSample[], now = this.clock.now()): Promise<OutRecord[]> {
    if (samples.length === 0) return Promise.resolve([]);
    return this.exclusive(() => this.scoreRound(samples, now));
  }

  /**
   * The model's scores for a round; on failure, the fallback's (see `onModelFailure`). Without a
   * fallback a non-finite score is a failure of that series alone: it scores `NON_FINITE_SCORE`
   * (1, counted as `non_finite_score`), every other series keeps its score.
   */
  private async tick(states: SeriesState[], entries: SeriesEntry[], values: Float64Array, timestampMs: number): Promise<Float32Array> {
    const model = this.model;
    let kind: ModelFailure["kind"] = "exception";
    let scores: Float32Array | undefined;
    let error: Error;
    try {
      scores = await model.scoreTick(states, values, timestampMs);
      const bad = scores.findIndex((x) => !Number.isFinite(x));
      if (bad < 0) return scores;
      kind = "non_finite";
      error = new Error(`model ${model.name}@${model.version} gave score ${scores[bad]} for series ${entries[bad]?.name ?? bad}`);
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
    }
    if (kind === "exception") this.o.telemetry.error("scorer", "model_exception");
    const fallback = this.o.onModelFailure?.({ model, kind, error, roundsSinceSwap: this.rounds });
    if (!fallback) {
      if (!scores) throw error;
      return finiteScores(scores, this.o.telemetry);
    }
    if (scores) this.o.telemetry.error("scorer", "non_finite_score", countNonFinite(scores));
    this.swapModel(fallback);
    entries.forEach((e, i) => (states[i] = e.state));
    return finiteScores(await this.model.scoreTick(states, values, timestampMs), this.o.telemetry);
  }

  private async scoreRound(all: readonly MetricSample[], now: number): Promise<OutRecord[]> {
    const startedAt = this.shadow ? this.clock.now() : 0;
    const entries = new Array<SeriesEntry>(all.length);
    const states = new Array<SeriesState>(all.length);
    const values = new Float64Array(all.length);
    let samples: MetricSample[] | readonly MetricSample[] = all;
    let n = 0;
    for (let i = 0; i < all.length; i++) {
      const s = all[i];
      const key = cachedKey(s.name, s.labels);
      let e = this.series.get(key);
      if (!e) {
        e = {
          key,
          name: s.name,
          labels: s.labels,
          state: this.model.createState(),
          tracker: new HysteresisTracker(this.hyst),
          lastSeen: now,
          lastTs: Number.NEGATIVE_INFINITY,
          driftSkip: 0,
        };
        this.series.set(key, e);
      }
      e.lastSeen = now;
      // A sample not newer than the series' last one (late, replayed or duplicated) never reaches the model.
      if (!(s.timestamp > e.lastTs)) {
        if (samples === all) samples = all.slice(0, i);
        continue;
      }
      e.lastTs = s.timestamp;
      if (samples !== all) (samples as MetricSample[]).push(s);
      entries[n] = e;
      states[n] = e.state;
      values[n++] = s.value;
    }
    if (n < all.length) {
      this.o.telemetry.dropped.inc({ component: "scorer", reason: "out_of_order" }, all.length - n);
      if (n === 0) return [];
      entries.length = n;
      states.length = n;
    }
    const started = performance.now();
    // samples of one round share a timestamp: the model gets it as the tick's time (seasonal context)
    const scores = await this.tick(states, entries, n < values.length ? values.subarray(0, n) : values, samples[0]?.timestamp ?? now);
    const scored = this.model.lastTickScored ?? samples.length;
    const model = this.model;
    const latencyMs = performance.now() - started;
    this.o.telemetry.scoringLatency.observe(latencyMs / 1000);
    this.o.telemetry.seriesActive.set(this.series.size);
    const out: OutRecord[] = [];
    const events: OutRecord[] = [];
    const agentId = this.o.agentId;
    const host = { name: this.o.hostName };
    const modelRef = { name: model.name, version: model.version };
    const drift = this.drift;
    const onsets = this.shadow && new Uint8Array(samples.length);
    // Samples of one round share a timestamp: format it once.
    let lastTs = Number.NaN;
    let lastIso = "";
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      const e = entries[i];
      const score = scores[i];
      if (s.timestamp !== lastTs) {
        lastTs = s.timestamp;
        lastIso = new Date(lastTs).toISOString();
      }
      const ts = lastIso;
      out.push({
        kind: "point",
        doc: {
          "@timestamp": ts,
          agent: { id: agentId, seq: this.o.seq.take() },
          host,
          metric: { name: s.name, labels: s.labels },
          value: Number.isFinite(s.value) ? s.value : null,
          anomaly: { score, threshold: this.hyst.open, is_anomaly: score >= this.hyst.open },
          model: modelRef,
          event: EVENT_METRIC,
        },
      });
      const tr = e.tracker.update(score, s.timestamp);
      if (onsets && tr?.kind === "open") onsets[i] = 1;
      if (drift && ++e.driftSkip >= drift.settings.stride) {
        e.driftSkip = 0; // every stride-th point of the series (see DriftSettings.stride)
        const dt = drift.input(e.key, s.value);
        if (dt) events.push({ kind: "anomaly", doc: drift.record(dt, "input", drift.psiOf(e.key), s, { ts, agentId, host, model: modelRef }) });
      }
      if (tr) {
        this.o.telemetry.anomalies.inc({ state: tr.kind });
        events.push({
          kind: "anomaly",
          doc: {
            "@timestamp": ts,
            agent: { id: agentId, seq: 0 },
            host,
            metric: { name: s.name, labels: s.labels },
            anomaly: {
              ...transitionFields(tr, this.hyst.open),
            },
            model: modelRef,
            event: { kind: "alert" },
          },
        });
      }
    }
    const st = drift?.scores(scores, samples.length, scored);
    if (st)
      events.push({ kind: "anomaly", doc: drift!.record(st, "score", drift!.monitor.scorePsi, undefined, { ts: lastIso, agentId, host, model: modelRef }) });
    if (this.shadow)
      await this.shadow.round({
        holders: entries,
        values,
        n: samples.length,
        timestampMs: lastTs,
        liveScores: scores,
        liveThreshold: this.hyst.open,
        liveOnsets: onsets!,
        liveOpen: (i) => entries[i].tracker.isOpen,
        lateMs: startedAt - now,
      });
    for (const ev of events) ev.doc.agent.seq = this.o.seq.take();
    this.rounds++;
    if (this.o.onRound) {
      let flagged = 0;
      for (let i = 0; i < scores.length; i++) if (scores[i] >= this.hyst.open) flagged++;
      let opened = 0;
      for (const ev of events) if ((ev.doc as { anomaly?: { state?: string } }).anomaly?.state === "open") opened++;
      this.o.onRound({ model, roundsSinceSwap: this.rounds, points: samples.length, scored, flagged, latencyMs, opened, series: this.series.size });
    }
    return events.length ? out.concat(events) : out;
  }

  /** Drops the state of series unseen for `staleAfterMs` (default 5 min) as of `now` (default the clock's time); returns how many were dropped. */
  sweep(now = this.clock.now()): number {
    const limit = this.o.staleAfterMs ?? 5 * 60_000;
    let dropped = 0;
    for (const [key, e] of this.series) {
      if (now - e.lastSeen > limit) {
        this.series.delete(key);
        this.drift?.forget(key);
        dropped++;
      }
    }
    if (dropped) this.o.telemetry.error("scorer", "series_stale", dropped);
    this.o.telemetry.seriesActive.set(this.series.size);
    return dropped;
  }
}
