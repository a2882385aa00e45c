/**
 * Population Stability Index between two histograms over the same bins:
 *
 *     PSI = Σᵢ (cᵢ − rᵢ) · ln(cᵢ / rᵢ)
 *
 * with `rᵢ`, `cᵢ` the reference and current shares of bin i. The usual reading (credit-risk
 * practice, also Azure ML / Evidently defaults): < 0.1 no change, 0.1–0.25 a moderate shift,
 * > 0.25 a significant one. Empty bins are smoothed (`eps` added to every share before
 * renormalising) so one empty bin never makes the index infinite.
 */

/** Default smoothing share added to every bin. */
export const PSI_EPS = 1e-3;

/**
 * PSI of `current` against `reference` (counts or shares, same length; non-finite or negative
 * entries count as 0). 0 when either side is empty.
 *
 * @example
 * psi([50, 50], [50, 50]); // 0
 * psi([90, 10], [10, 90]) > 1; // true
 */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>, eps = PSI_EPS): number {
  if (reference.length !== current.length) throw new RangeError(`psi: ${reference.length} reference bins against ${current.length} current bins`);
  const n = reference.length;
  let rt = 0;
  let ct = 0;
  for (let i = 0; i < n; i++) {
    rt += clean(reference[i]);
    ct += clean(current[i]);
  }
  if (rt <= 0 || ct <= 0) return 0;
  const norm = 1 + n * eps;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = (clean(reference[i]) / rt + eps) / norm;
    const c = (clean(current[i]) / ct + eps) / norm;
    sum += (c - r) * Math.log(c / r);
  }
  return sum;
}

function clean(x: number): number {
  return Number.isFinite(x) && x > 0 ? x : 0;
}

/**
 * Bin edges from a reference sample: its deciles (or `bins` quantiles), ties merged. A sample
 * with fewer than three distinct edges (a constant or two-valued series) gets edges just below
 * and above each value, so a value moving off them, up or down, still lands in a new bin.
 */
export function quantileEdges(sample: ArrayLike<number>, bins = 10): Float64Array {
  const v = Float64Array.from(sample).filter(Number.isFinite).sort();
  if (v.length === 0) return new Float64Array(0);
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const e = v[Math.min(v.length - 1, Math.floor((k * v.length) / bins))];
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  if (edges.length < 3) {
    const distinct = [...new Set(v)];
    const around: number[] = [];
    for (const x of distinct.slice(0, 4)) {
      const d = Math.max(Math.abs(x) * 1e-9, 1e-12);
      around.push(x - d, x + d);
    }
    return Float64Array.from([...new Set([...edges, ...around])].sort((a, b) => a - b));
  }
  return Float64Array.from(edges);
}

/** Index of the bin of `x` for `edges` (bin i holds edges[i−1] ≤ x < edges[i]; edges.length + 1 bins). */
export function binOf(edges: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
