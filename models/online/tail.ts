/**
 * A per-series, per-statistic model of the upper tail of a non-negative statistic s ("peaks over
 * threshold", Siffer et al. 2017, with an exponential tail): a running τ-quantile u of s, the
 * rate r at which s exceeds u, and the mean excess β of those exceedances. The tail probability
 * of a new value is then
 *
 *     P(S ≥ s) ≈ r · exp(−(s − u) / β)      for s > u   (1 below u)
 *
 * Every series thus calibrates its own statistic: Gaussian noise, a heavy-tailed count and a
 * quantised 0/1 flag all get small probabilities only for what is rare *for them*.
 *
 * State is 4 numbers at an offset of a shared Float64Array (no object per series).
 */

/** Numbers per tail model. */
export const TAIL_SIZE = 6;
const U = 0;
const BETA = 1;
const RATE = 2;
const SEEN = 3;
/** Rate of past alarm onsets of this statistic (per sample, decaying). */
const RHO = 4;
/** EWMA of ln(statistic) at those onsets. */
const MLOG = 5;

/** Tuning of {@link tailUpdate} (shared by every series of a detector). */
export interface TailParams {
  /** Quantile level of u (0.9: u is the 90th percentile). */
  level: number;
  /** Step of the quantile tracker, in units of β. */
  quantileStep: number;
  /** Weight of a new exceedance in β once the model has seen `fitCount` of them. */
  betaAlpha: number;
  /** Weight of a new sample in the exceedance rate. */
  rateAlpha: number;
  /** Exceedances fitted as a plain running mean (no cap) before β becomes an EWMA. */
  fitCount: number;
  /** After fitting, an excess counts at most `cap · β` (bounded adaptation per event). */
  cap: number;
  /** Smallest exceedance rate (so one value is never infinitely surprising). */
  minRate: number;
  /** Weight of the excess of an alarm's onset in β: how fast a recurring event becomes normal. */
  onsetAlpha: number;
  /** An onset's excess counts at most `onsetCap · β`. */
  onsetCap: number;
}

/** Defaults: see models/online/README.md for what each means for adaptation time. */
export const DEFAULT_TAIL: TailParams = {
  level: 0.9,
  quantileStep: 0.05,
  betaAlpha: 0.005,
  rateAlpha: 1 / 1000,
  fitCount: 20,
  cap: 4,
  minRate: 1e-4,
  onsetAlpha: 0.1,
  onsetCap: 20,
};

/** Sets a tail model's prior: u and β as Gaussian-like noise would give, rate = 1 − level. */
export function tailInit(t: Float64Array, o: number, u: number, beta: number, params: TailParams = DEFAULT_TAIL): void {
  t[o + U] = u;
  t[o + BETA] = beta;
  t[o + RATE] = 1 - params.level;
  t[o + SEEN] = 0;
  t[o + RHO] = 0;
  t[o + MLOG] = 0;
}

/**
 * ln P(S ≥ s) under the model of past *alarms* ("events") of this statistic: an event of the
 * usual magnitude has probability ρ (its recent rate), each doubling beyond it a quarter of
 * that. −∞ before any event. This is what makes a recurring event (a nightly job's spike, the
 * edges of a square wave) stop alarming once it has happened a few times.
 */
export function eventLogP(t: Float64Array, o: number, s: number, slope = 2): number {
  const rho = t[o + RHO];
  if (!(rho > 0) || !(s > 0)) return Number.NEGATIVE_INFINITY;
  const over = Math.log(s) - t[o + MLOG];
  return Math.log(rho) - slope * Math.abs(over);
}

/** Decays the event rate by one sample (`keep` = 1 − per-sample weight). */
export function eventDecay(t: Float64Array, o: number, keep: number): void {
  t[o + RHO] *= keep;
}

/** Records an alarm onset at which this statistic was `s` (`alpha` = per-sample weight). */
export function eventRecord(t: Float64Array, o: number, s: number, alpha: number): void {
  if (!(s > 0)) return;
  const first = !(t[o + RHO] > 0);
  t[o + RHO] += alpha;
  t[o + MLOG] = first ? Math.log(s) : t[o + MLOG] + 0.3 * (Math.log(s) - t[o + MLOG]);
}

/** ln P(S ≥ s) under the model (≤ 0). */
export function tailLogP(t: Float64Array, o: number, s: number): number {
  const u = t[o + U];
  if (!(s > u)) return 0;
  return Math.log(t[o + RATE]) - (s - u) / t[o + BETA];
}

/**
 * Learns from one value of the statistic (call after {@link tailLogP} so a value never explains
 * itself). `weight` in [0, 1] scales the update (0 = do not learn).
 */
export function tailUpdate(t: Float64Array, o: number, s: number, weight: number, params: TailParams = DEFAULT_TAIL, onset = false): void {
  if (weight <= 0 || !Number.isFinite(s)) return;
  const u = t[o + U];
  let beta = t[o + BETA];
  const above = s > u;
  t[o + RATE] += weight * params.rateAlpha * ((above ? 1 : 0) - t[o + RATE]);
  if (t[o + RATE] < params.minRate) t[o + RATE] = params.minRate;
  if (above) {
    const seen = t[o + SEEN] + 1;
    t[o + SEEN] = seen;
    const e = s - u;
    if (onset) beta += weight * params.onsetAlpha * (Math.min(e, params.onsetCap * beta) - beta);
    else if (seen <= params.fitCount) beta += (weight * (e - beta)) / (seen + 1);
    else beta += weight * params.betaAlpha * (Math.min(e, params.cap * beta) - beta);
    t[o + BETA] = beta > 1e-6 ? beta : 1e-6;
    t[o + U] = u + weight * params.quantileStep * beta * params.level;
  } else {
    const nu = u - weight * params.quantileStep * beta * (1 - params.level);
    t[o + U] = nu > 0 ? nu : 0;
  }
}
