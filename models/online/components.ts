import { median } from "../features/featurizer.ts";

/** The three statistics the online detector watches for each new window. */
export interface Components {
  /** |newest − median of the rest|, in noise σ: spikes and dips. */
  point: number;
  /** |mean of the newest k − median of the older part|, in noise σ: level shifts and drifts. */
  level: number;
  /** |ln(window mean |Δ| / running mean |Δ|)|: variance bursts and flatlines. */
  spread: number;
}

/** Samples in the "recent" part for the level statistic. */
export const LEVEL_K = 6;

/** Means of the statistics under Gaussian noise (what a quiet series teaches itself). */
export const EXPECTED = Float64Array.from([0.8, 0.5, 0.12]);

/** Limits (raw score 1) for series as quiet as Gaussian noise. */
export const LIMITS = Float64Array.from([7, 4.5, 1.3]);

/** Computes {@link Components} from one feature row (`window` z-values + spread feature). */
export function componentStats(row: Float32Array, window: number, spreadWeight: number, scratch: Float64Array, out: Components): Components {
  const older = window - LEVEL_K;
  for (let i = 0; i < window - 1; i++) scratch[i] = row[i];
  const restMedian = median(scratch.subarray(0, window - 1));
  out.point = Math.abs(row[window - 1] - restMedian);
  for (let i = 0; i < older; i++) scratch[i] = row[i];
  const olderMedian = median(scratch.subarray(0, older));
  let recent = 0;
  for (let i = older; i < window; i++) recent += row[i];
  out.level = Math.abs(recent / LEVEL_K - olderMedian);
  out.spread = spreadWeight > 0 ? Math.abs(row[window] / spreadWeight) : 0;
  return out;
}
