/**
 * Clean baselines for synthetic series.
 *
 * A baseline is kept in two parts so anomalies can act on either: `signal` (the expected,
 * noise-free level) and `noise` (N(0, σ) per point, σ = base × noise_level, as in the Python
 * prototype's `generate_baseline`). The observed value is `max(signal + noise, 0)`. For the
 * `counter` kind both parts describe the per-step *rate*; the generator cumulates it after
 * the anomalies are injected.
 */
import type { BaselineKind } from "../types.ts";
import type { Rng } from "../random.ts";

/** A generated baseline and the parameters that produced it. */
export interface Baseline {
  kind: BaselineKind;
  /** Base level (for `counter`: the mean rate per step), drawn from U(10, 1000). */
  baseValue: number;
  /** Relative noise level, drawn from U(0.02, 0.1). */
  noiseLevel: number;
  /** σ = baseValue × noiseLevel: the noise std anomaly magnitudes are expressed in. */
  noiseStd: number;
  /** Daily-sine amplitude (0 when the series has no seasonality). */
  seasonalAmplitude: number;
  /** Total linear change over the series (0 unless kind is `trend`). */
  trendTotal: number;
  /** Expected noise-free level per point (the rate for counters). */
  signal: Float64Array;
  /** Additive noise per point, N(0, σ). */
  noise: Float64Array;
}

/** Options for {@link generateBaseline}. */
export interface BaselineOptions {
  kind: BaselineKind;
  nPoints: number;
  /** Seconds between points; the seasonal period is one day = 86400 / intervalSeconds points. */
  intervalSeconds: number;
}

/** AR(1) coefficient of the random walk: mean-reverting with a ~100-point time constant. */
const WALK_PHI = 0.99;

/**
 * Draw a baseline of the given kind.
 *
 * @example
 * const b = generateBaseline(createRng(1), { kind: "seasonal", nPoints: 1440, intervalSeconds: 60 });
 * b.signal.length; // 1440
 */
export function generateBaseline(rng: Rng, opts: BaselineOptions): Baseline {
  const { kind, nPoints: n } = opts;
  const baseValue = rng.uniform(10, 1000);
  const noiseLevel = rng.uniform(0.02, 0.1);
  const sigma = baseValue * noiseLevel;
  const signal = new Float64Array(n).fill(baseValue);
  const noise = new Float64Array(n);
  for (let i = 0; i < n; i++) noise[i] = rng.normal() * sigma;

  let seasonalAmplitude = 0;
  let trendTotal = 0;
  if (kind === "seasonal" || (kind === "trend" && rng.next() < 0.5)) {
    seasonalAmplitude = baseValue * rng.uniform(0.1, kind === "seasonal" ? 0.5 : 0.3);
    const period = 86400 / opts.intervalSeconds;
    const phase = rng.uniform(0, 2 * Math.PI);
    const w = (2 * Math.PI) / period;
    for (let i = 0; i < n; i++) signal[i] += seasonalAmplitude * Math.sin(w * i + phase);
  }
  if (kind === "trend") {
    trendTotal = rng.sign() * rng.uniform(0.05, 0.3) * baseValue;
    const step = n > 1 ? trendTotal / (n - 1) : 0;
    for (let i = 0; i < n; i++) signal[i] += step * i;
  }
  if (kind === "random_walk") {
    const stepStd = 0.3 * sigma;
    let w = (rng.normal() * stepStd) / Math.sqrt(1 - WALK_PHI * WALK_PHI);
    for (let i = 0; i < n; i++) {
      w = WALK_PHI * w + rng.normal() * stepStd;
      signal[i] += w;
    }
  }
  return { kind, baseValue, noiseLevel, noiseStd: sigma, seasonalAmplitude, trendTotal, signal, noise };
}
