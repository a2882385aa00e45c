/**
 * A seasonal profile of one series: the period (a day or a week) cut into bins by time of
 * day/week, each bin holding an exponentially weighted mean of the values that fell in it and
 * of their absolute deviation from it. Summarised, not stored raw: 3 numbers per bin whatever
 * the sampling rate (288 points a day at 5 minutes and 86 400 at 1 s cost the same).
 *
 * The profile speaks only once it has seen `minPeriods` whole periods; its statistic is then
 * |x − mean_bin| / (deviation_bin + floor): how far the value is from what this time of day (or
 * week) usually shows.
 */

/** Numbers per bin: envelope low, envelope high, samples seen. */
const PER_BIN = 3;

/** Shape of a profile (shared by every series of a detector). */
export interface ProfileShape {
  /** Period in ms (86 400 000 for a day). */
  periodMs: number;
  /** Bins per period. */
  bins: number;
  /** Whole periods of history before the profile scores. */
  minPeriods: number;
  /** Half-life of a bin's statistics, in periods. */
  halfLifePeriods: number;
}

/** The daily profile: 48 half-hour bins, scoring after 2 days, half-life 3 days. */
export const DAILY: ProfileShape = { periodMs: 86_400_000, bins: 48, minPeriods: 2, halfLifePeriods: 3 };
/** The weekly profile: 168 hourly bins, scoring after 2 weeks, half-life 2 weeks. */
export const WEEKLY: ProfileShape = { periodMs: 7 * 86_400_000, bins: 168, minPeriods: 2, halfLifePeriods: 2 };

/** Numbers a profile of `shape` needs. */
export function profileSize(shape: ProfileShape): number {
  return shape.bins * PER_BIN;
}

/** Numbers a profile of `shape` needs (float32: an envelope needs no more precision). */
export function newProfile(shape: ProfileShape): Float32Array {
  return new Float32Array(profileSize(shape));
}

/**
 * How far `x` at `t` lies outside the envelope this time of day/week usually shows (NaN while
 * the profile cannot speak), in units of `scale`, then learns `x` into its bin. Each bin keeps a
 * slowly decaying [low, high] envelope of the values seen in it; the statistic uses the union
 * of the bin and its two neighbours, so an event that recurs at about the same time (a nightly
 * job's spike, the edges of a daily square wave) lies inside it. `first` is the first timestamp
 * the profile saw, `alpha` the per-sample decay from {@link profileAlpha}, `expand` how far a
 * value outside the envelope widens it (1/samples per bin: a one-day anomaly stays outside for
 * its whole duration, a new daily pattern is inside after a day or two).
 */
export function profileStat(p: Float32Array, shape: ProfileShape, t: number, first: number, alpha: number, x: number, scale: number, expand = 1): number {
  const span = shape.periodMs / shape.bins;
  let phase = t % shape.periodMs;
  if (phase < 0) phase += shape.periodMs;
  const b = Math.min(shape.bins - 1, Math.floor(phase / span));
  const o = b * PER_BIN;
  const seen = p[o + 2];
  let stat = Number.NaN;
  if (t - first >= shape.minPeriods * shape.periodMs && seen >= shape.minPeriods) {
    const l = (b === 0 ? shape.bins - 1 : b - 1) * PER_BIN;
    const r = (b === shape.bins - 1 ? 0 : b + 1) * PER_BIN;
    let lo = p[o];
    let hi = p[o + 1];
    if (p[l + 2] > 0) {
      if (p[l] < lo) lo = p[l];
      if (p[l + 1] > hi) hi = p[l + 1];
    }
    if (p[r + 2] > 0) {
      if (p[r] < lo) lo = p[r];
      if (p[r + 1] > hi) hi = p[r + 1];
    }
    const excess = x > hi ? x - hi : x < lo ? lo - x : 0;
    stat = excess / scale;
  }
  if (seen === 0) {
    p[o] = x;
    p[o + 1] = x;
  } else {
    const mid = (p[o] + p[o + 1]) / 2;
    p[o] = x < p[o] ? p[o] + expand * (x - p[o]) : p[o] + alpha * (mid - p[o]);
    p[o + 1] = x > p[o + 1] ? p[o + 1] + expand * (x - p[o + 1]) : p[o + 1] - alpha * (p[o + 1] - mid);
  }
  p[o + 2] = seen + 1;
  return stat;
}

/**
 * Per-sample decay of a bin's envelope for a series sampled every `stepMs`: the envelope
 * halves its distance to the bin's middle every `halfLifePeriods` periods, whatever the rate.
 */
export function profileExpand(shape: ProfileShape, stepMs: number): number {
  return Math.min(1, Math.max(1, stepMs) / (shape.periodMs / shape.bins));
}

/** Per-sample decay of a bin's envelope (see {@link profileStat}). */
export function profileAlpha(shape: ProfileShape, stepMs: number): number {
  const perBin = Math.max(1, shape.periodMs / shape.bins / Math.max(1, stepMs));
  return 1 - Math.pow(0.5, 1 / (shape.halfLifePeriods * perBin));
}
