/**
 * Calibration maps a detector's raw score (unbounded, higher = more anomalous) to [0, 1].
 *
 * The threshold τ is the `quantile` of raw scores on (normal) training windows. The calibrated
 * score is `raw / (raw + τ)`: monotone, in [0, 1), and exactly 0.5 at the threshold, so every
 * model in this project flags a point when its score is ≥ {@link CALIBRATED_THRESHOLD}.
 */

/** Calibrated score at which a point is flagged, for every detector. */
export const CALIBRATED_THRESHOLD = 0.5;

/** Default training quantile for τ: aims at ~2 false positives per 100k normal points. */
export const DEFAULT_QUANTILE = 0.99998;

/** Raw-score threshold τ: the `quantile` of `raw` (NaNs ignored), scaled by `margin`. */
export function calibrateThreshold(raw: Float32Array, quantile = DEFAULT_QUANTILE, margin = 1): number {
  const finite = raw.filter((v) => Number.isFinite(v));
  if (finite.length === 0) throw new Error("cannot calibrate a threshold on zero finite training scores");
  finite.sort();
  const pos = Math.min(finite.length - 1, Math.max(0, Math.ceil(quantile * finite.length) - 1));
  const tau = finite[pos] * margin;
  return tau > 0 ? tau : Number.EPSILON;
}

/**
 * Maps raw scores to calibrated scores in [0, 1) (returns a new array). A non-finite raw score
 * (NaN, ±∞: a broken model, not a low score) stays NaN, so callers see the failure instead of a
 * score of 0 that passes as normal.
 */
export function calibrate(raw: Float32Array, tau: number): Float32Array {
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i];
    out[i] = !Number.isFinite(r) ? Number.NaN : r > 0 ? r / (r + tau) : 0;
  }
  return out;
}
