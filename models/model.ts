/**
 * What `agent score`, `agent eval` and the runtime hold: a model that turns series into
 * calibrated scores in [0, 1] (flag at {@link ScoringModel.threshold}), with streaming semantics:
 * the score of point t depends only on samples up to t.
 *
 * Scores: a gap (NaN sample) scores 1 — missing data is itself an anomaly an operator wants to
 * see; warm-up points (before the first full window) score 0.
 */

/** Score of a missing sample. */
export const MISSING_SCORE = 1;

/** Opaque per-series streaming state created by {@link ScoringModel.createState}. */
export interface SeriesState {
  /** Approximate bytes held by this state (for memory accounting). */
  readonly bytes: number;
}

/** A loaded model, bundle-backed or online. */
export interface ScoringModel {
  /** `online:<name>` or the bundle's manifest name. */
  readonly name: string;
  readonly version: string;
  /** Detector kind, e.g. `autoencoder` or `online`. */
  readonly kind: string;
  /** Samples per window. */
  readonly window: number;
  /** Calibrated flag threshold (0.5 for every model here). */
  readonly threshold: number;
  /**
   * Scores whole series offline; same results as feeding them point by point. `timestamps`
   * (ms, one array per series) give models with seasonal context the time of each sample.
   */
  scoreSeries(series: readonly Float64Array[], timestamps?: readonly Float64Array[]): Promise<Float32Array[]>;
  /** New streaming state for one series. */
  createState(): SeriesState;
  /**
   * Scores one new sample for each of many series in one batch (one tick of the runtime).
   * `states[i]` receives `values[i]`; returns one score per series. `timestampMs` is the time
   * of the tick (models without seasonal context ignore it).
   */
  scoreTick(states: readonly SeriesState[], values: ArrayLike<number>, timestampMs?: number): Promise<Float32Array>;
  /**
   * Series of the last {@link scoreTick} whose score came from a full window (not warm-up, not
   * a gap). Optional: a model without it is taken to have scored every series.
   */
  readonly lastTickScored?: number;
  dispose(): void;
}
