import { MAD_TO_SIGMA, median } from "../shared/scale.ts";

/**
 * Location/spread estimators over one window's reference values `data[base .. base+count)`.
 * Each writes `[center, spread]` into `out` so hot loops allocate nothing.
 */

/**
 * Robust estimate: center = median, spread = 1.4826 · MAD (≈ σ for gaussian noise).
 * `scratch` needs room for `count` values; it is overwritten.
 * @example
 * const out = new Float64Array(2);
 * madStats(data, 0, 31, new Float64Array(31), out); // out = [median, sigma]
 */
export function madStats(data: Float32Array, base: number, count: number, scratch: Float64Array, out: Float64Array): void {
  for (let i = 0; i < count; i++) scratch[i] = data[base + i];
  const med = median(scratch, count);
  // scratch still holds the same values (reordered): turn them into deviations in place
  for (let i = 0; i < count; i++) scratch[i] = Math.abs(scratch[i] - med);
  out[0] = med;
  out[1] = MAD_TO_SIGMA * median(scratch, count);
}

/**
 * Exponentially weighted mean and standard deviation (oldest value first, weight `alpha` on
 * each newer value; incremental form of Finch 2009), starting from the first value.
 * @example
 * ewmaStats(data, 0, 31, 0.1, out); // out = [ewma, ewm std]
 */
export function ewmaStats(data: Float32Array, base: number, count: number, alpha: number, out: Float64Array): void {
  let mean = data[base];
  let variance = 0;
  for (let i = 1; i < count; i++) {
    const diff = data[base + i] - mean;
    const incr = alpha * diff;
    mean += incr;
    variance = (1 - alpha) * (variance + diff * incr);
  }
  out[0] = mean;
  out[1] = Math.sqrt(variance);
}
