/**
 * Tiny robust-statistics helpers shared by detectors: selection (quickselect), median and
 * median absolute deviation. All work in place on a caller-owned scratch buffer, so a hot
 * loop allocates nothing.
 */

/** A numeric buffer the helpers can reorder in place. */
export type Scratch = Float64Array | Float32Array;

/** Scale that turns a MAD into a standard-deviation estimate for gaussian data. */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Reorders `buf[0..n)` so that `buf[k]` holds the k-th smallest value (0-based), every value
 * before it is ≤ and every value after it is ≥. Average O(n) (Hoare quickselect, median-of-3).
 * @example
 * const b = new Float64Array([5, 1, 4, 2, 3]);
 * quickselect(b, 5, 2); // 3
 */
export function quickselect(buf: Scratch, n: number, k: number): number {
  if (!(k >= 0 && k < n && n <= buf.length)) throw new RangeError(`quickselect: k=${k} outside [0, ${n})`);
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median-of-3 pivot, leaving buf[lo] ≤ buf[mid] ≤ buf[hi]
    if (buf[mid] < buf[lo]) swap(buf, mid, lo);
    if (buf[hi] < buf[lo]) swap(buf, hi, lo);
    if (buf[hi] < buf[mid]) swap(buf, hi, mid);
    const pivot = buf[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (buf[i] < pivot) i++;
      while (buf[j] > pivot) j--;
      if (i <= j) {
        swap(buf, i, j);
        i++;
        j--;
      }
    }
    // now [lo..j] ≤ pivot ≤ [i..hi], and j < i
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break; // j < k < i: buf[k] equals the pivot
  }
  return buf[k];
}

function swap(buf: Scratch, i: number, j: number): void {
  const t = buf[i];
  buf[i] = buf[j];
  buf[j] = t;
}

/**
 * Median of `buf[0..n)` (mean of the two middle values when n is even). Reorders `buf`.
 * @example
 * median(new Float64Array([4, 1, 3, 2]), 4); // 2.5
 */
export function median(buf: Scratch, n: number): number {
  if (n <= 0) throw new RangeError("median: empty input");
  const k = n >>> 1;
  const upper = quickselect(buf, n, k);
  if (n & 1) return upper;
  let lower = buf[0];
  for (let i = 1; i < k; i++) if (buf[i] > lower) lower = buf[i];
  return (lower + upper) / 2;
}

/**
 * Median absolute deviation of `buf[0..n)` around `center` (unscaled; multiply by
 * {@link MAD_TO_SIGMA} for a sigma estimate). Overwrites `buf` with the deviations.
 * @example
 * const b = new Float64Array([1, 2, 3, 4, 100]);
 * medianAbsDeviation(b, 5, 3); // 1
 */
export function medianAbsDeviation(buf: Scratch, n: number, center: number): number {
  for (let i = 0; i < n; i++) buf[i] = Math.abs(buf[i] - center);
  return median(buf, n);
}
