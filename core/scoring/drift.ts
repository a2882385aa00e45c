/**
 * Drift in the scorer: every scored point's value goes to its series' input-drift stream and a
 * bounded sample of each round's scores to the score stream of the model in use
 * (models/drift/DriftMonitor). A stream crossing the level becomes a {@link DriftRecord}.
 *
 * Cost: one Map lookup, one binary search over ≤ 10 edges and a few float ops per point, a PSI
 * (≈ 10 logs) every 8th value of a series; the score stream takes at most `scoreSamples`
 * scores per round. Memory: ≤ 4·reference bytes per series while its reference fills, ≈ 200
 * after; at most `maxSeries` series (the rest counted as `untracked`).
 * @module
 */
import { DriftMonitor, type DriftSummary } from "../../models/drift/monitor.ts";
import type { ScoringModel } from "../../models/model.ts";
import { SCORE_DRIFT_METRIC, type DriftRecord } from "../events.ts";
import type { DriftMetrics } from "../telemetry/scoring-metrics.ts";

/** Drift settings (`scoring.drift` of the config, camelCase). */
export interface DriftSettings {
  /** Default true. */
  enabled: boolean;
  /** PSI at or past which a stream is drifted (default 0.25; it ends under 0.6 × level). */
  level: number;
  /**
   * A series' input stream takes every `stride`-th point of it (default 10). Real metrics are
   * autocorrelated: consecutive values carry little new information, and a reference of 256
   * consecutive values of an AR(1) series with φ = 0.9 is worth ~13 independent ones — PSI then
   * reports noise as drift (on 300 such series × 20 000 values, every series "drifted"). Every
   * 10th value: no false drift over 200 series × 40 000 values, and a 1σ shift found in a median
   * of 1830 values (≈ 30 min at 1 Hz). It also divides the per-point cost by `stride`.
   */
  stride: number;
  /** Values per series in its reference period (the first ones taken; default 256, i.e. 256 × stride points). */
  reference: number;
  /** Half-life of a series' current histogram, in values (default 256). */
  halfLife: number;
  /** Scores in the score stream's reference (default 8192; a new model version starts a new one). */
  scoreReference: number;
  /** Half-life of the score stream, in sampled scores (default 8192). */
  scoreHalfLife: number;
  /** Scores of one round sampled into the score stream (default 64, spread over the series). */
  scoreSamples: number;
  /**
   * Rounds a model scores before its score reference begins (default 600: 10 min at 1 Hz). An
   * online model's calibration keeps settling after its warm-up (the tail of its scores grows
   * over its first few hundred points): a reference taken then would report that as drift.
   */
  scoreSettle: number;
  /** Series tracked at most (default 20 000); the rest are counted as untracked. */
  maxSeries: number;
  /** Most drifted series listed in `/status` and the heartbeat (default 10). */
  top: number;
}

/** Defaults of {@link DriftSettings}. */
export const DRIFT_SETTINGS_DEFAULTS: DriftSettings = {
  enabled: true,
  level: 0.25,
  stride: 10,
  reference: 256,
  halfLife: 256,
  scoreReference: 8192,
  scoreHalfLife: 8192,
  scoreSamples: 64,
  scoreSettle: 600,
  maxSeries: 20_000,
  top: 10,
};

/** `/status` `drift` and the heartbeat's: the monitor's summary with the model split in name and version. */
export interface DriftStatus extends Omit<DriftSummary, "score"> {
  score: { model: string; version: string; psi: number; ready: boolean; drifted: boolean };
}

/** The document fields a drift record takes from its round. */
export interface DriftContext {
  ts: string;
  agentId: string;
  host: { name: string };
  model: { name: string; version: string };
}

/**
 * The scorer's drift tracking.
 *
 * @example
 * const d = new ScoringDrift(DRIFT_SETTINGS_DEFAULTS, telemetry.drift);
 * d.model(model);
 * const change = d.input(key, value); // per point
 * d.scores(scores, n);                // per round
 */
export class ScoringDrift {
  readonly monitor: DriftMonitor;
  private modelRef = { name: "", version: "" };
  private round = 0;
  /** Rounds of the model in use (the score reference waits for `scoreSettle` of them). */
  private modelRounds = 0;

  constructor(
    readonly settings: DriftSettings,
    private readonly metrics: DriftMetrics,
  ) {
    const level = settings.level;
    this.monitor = new DriftMonitor({
      input: { level, referenceSize: settings.reference, halfLife: settings.halfLife },
      score: { level, referenceSize: settings.scoreReference, halfLife: settings.scoreHalfLife },
      maxSeries: settings.maxSeries,
    });
    metrics.level.set(level);
  }

  /** Names the model in use: a new name or version starts a new score reference. */
  model(m: ScoringModel): void {
    if (m.name === this.modelRef.name && m.version === this.modelRef.version) return;
    this.metrics.scorePsi.reset();
    this.modelRef = { name: m.name, version: m.version };
    this.modelRounds = 0;
    this.monitor.model(`${m.name}@${m.version}`);
  }

  /** One point's value of the series `key`: its drift transition, if any. */
  input(key: string, value: number): "start" | "end" | undefined {
    return this.monitor.observeInput(key, value)?.transition;
  }

  /** PSI of series `key` now (after {@link input} reported a transition). */
  psiOf(key: string): number {
    return this.monitor.psiOf(key);
  }

  /**
   * Samples at most `scoreSamples` of the round's `n` scores (a rotating stride over the series)
   * into the score stream. Rounds mostly in warm-up (`scored` < 90 % of `n`) are left out (their
   * scores are 0 by contract, not the model's distribution), and so are the model's first
   * `scoreSettle` full rounds. Returns the score stream's transition.
   */
  scores(scores: ArrayLike<number>, n: number, scored: number): "start" | "end" | undefined {
    this.round++;
    if (n === 0 || scored < 0.9 * n || ++this.modelRounds <= this.settings.scoreSettle) return undefined;
    const stride = Math.max(1, Math.floor(n / this.settings.scoreSamples));
    let t: "start" | "end" | undefined;
    for (let i = this.round % stride; i < n; i += stride) t = this.monitor.observeScore(scores[i]) ?? t;
    return t;
  }

  /**
   * A drift record of a transition (its `agent.seq` is taken by the caller): of the series
   * `series` (input), or of the scores (`series` undefined: `metric` is {@link SCORE_DRIFT_METRIC}).
   */
  record(state: "start" | "end", stream: "input" | "score", psi: number, series: DriftRecord["metric"] | undefined, c: DriftContext): DriftRecord {
    this.metrics.events.inc({ stream, state });
    const metric = series ? { name: series.name, labels: series.labels } : { name: SCORE_DRIFT_METRIC, labels: {} };
    return {
      "@timestamp": c.ts,
      agent: { id: c.agentId, seq: 0 },
      host: c.host,
      metric,
      drift: { state, stream, psi: Math.round(psi * 1e6) / 1e6, level: this.settings.level },
      model: c.model,
      event: { kind: "drift" },
    };
  }

  /** Drops a series that went stale. */
  forget(key: string): void {
    this.monitor.forget(key);
  }

  /** The bounded summary (`top` series at most) for `/status` and the heartbeat. */
  status(): DriftStatus {
    const s = this.monitor.summary(this.settings.top);
    return {
      ...s,
      top: s.top.map((t) => ({ series: t.series, psi: round6(t.psi) })),
      maxPsi: round6(s.maxPsi),
      score: { model: this.modelRef.name, version: this.modelRef.version, psi: round6(s.score.psi), ready: s.score.ready, drifted: s.score.drifted },
    };
  }

  /** Sets the `agent_drift_*` gauges from the summary; returns it. */
  refresh(): DriftStatus {
    const s = this.status();
    const g = this.metrics;
    g.series.set({ state: "tracked" }, s.series);
    g.series.set({ state: "ready" }, s.ready);
    g.series.set({ state: "drifted" }, s.drifted);
    g.series.set({ state: "untracked" }, s.untracked);
    g.inputPsiMax.set(s.maxPsi);
    if (this.modelRef.name) g.scorePsi.set({ model: this.modelRef.name, version: this.modelRef.version }, s.score.psi);
    return s;
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
