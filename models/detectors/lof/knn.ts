/**
 * Brute-force k-nearest-neighbour search over a flat reference set, and the local reachability
 * density (LOF, Breunig et al. 2000) built on it. Measured on real windows (README): a plain
 * scan beat early abandoning (the partial distance rarely passes the k-th best before the last
 * columns: the normalised windows are noise-dominated, their variance spread over every
 * column) and a PCA-sorted index with pruning on the first axis (2× slower, for the same reason).
 */

/** Smallest mean reachability distance (keeps the density finite on duplicated windows). */
export const MIN_REACH = 1e-6;

/** Reusable buffers for {@link kNearest}: squared distances (ascending) and reference indices. */
export interface Neighbours {
  dist2: Float64Array;
  index: Int32Array;
  /** How many of the k slots are filled (< k only when the reference set is smaller than k). */
  count: number;
}

/** Buffers for `k` neighbours. */
export function neighbours(k: number): Neighbours {
  return { dist2: new Float64Array(k), index: new Int32Array(k), count: 0 };
}

/**
 * The `k` rows of `ref` (`m × width`) nearest to the row of `query` at `qOff` (Euclidean),
 * skipping reference row `exclude` (−1: none). Ties keep the lower index.
 */
export function kNearest(ref: Float32Array, m: number, width: number, query: Float32Array, qOff: number, k: number, exclude: number, out: Neighbours): void {
  const { dist2, index } = out;
  let count = 0;
  let bound = Number.POSITIVE_INFINITY;
  for (let r = 0; r < m; r++) {
    if (r === exclude) continue;
    const off = r * width;
    let s = 0;
    for (let c = 0; c < width; c++) {
      const d = query[qOff + c] - ref[off + c];
      s += d * d;
    }
    if (s >= bound) continue;
    // insert into the sorted k best
    let j = count < k ? count++ : k - 1;
    while (j > 0 && dist2[j - 1] > s) {
      dist2[j] = dist2[j - 1];
      index[j] = index[j - 1];
      j--;
    }
    dist2[j] = s;
    index[j] = r;
    if (count === k) bound = dist2[k - 1];
  }
  out.count = count;
}

/**
 * Mean reachability distance of a point to its neighbours: mean over o of
 * max(kdist(o), d(point, o)), floored at {@link MIN_REACH}. Its inverse is the point's lrd.
 */
export function meanReach(nb: Neighbours, kdist: Float32Array): number {
  let sum = 0;
  for (let j = 0; j < nb.count; j++) {
    const d = Math.sqrt(nb.dist2[j]);
    const kd = kdist[nb.index[j]];
    sum += kd > d ? kd : d;
  }
  const mean = nb.count > 0 ? sum / nb.count : MIN_REACH;
  return mean > MIN_REACH ? mean : MIN_REACH;
}

/** The reference set's k-distances and local reachability densities (each point's own row excluded from its neighbours). */
export function referenceDensity(ref: Float32Array, m: number, width: number, k: number): { kdist: Float32Array; lrd: Float32Array } {
  const kdist = new Float32Array(m);
  const lrd = new Float32Array(m);
  const all: Neighbours[] = [];
  for (let r = 0; r < m; r++) {
    const nb = neighbours(k);
    kNearest(ref, m, width, ref, r * width, k, r, nb);
    kdist[r] = nb.count > 0 ? Math.sqrt(nb.dist2[nb.count - 1]) : 0;
    all.push(nb);
  }
  for (let r = 0; r < m; r++) lrd[r] = 1 / meanReach(all[r], kdist);
  return { kdist, lrd };
}

/**
 * LOF of one query row given its neighbours: mean lrd of the neighbours ÷ the query's lrd
 * (≈ 1 inside a cluster, ≫ 1 for a point in a sparser region than its neighbours).
 */
export function lofScore(nb: Neighbours, kdist: Float32Array, lrd: Float32Array): number {
  if (nb.count === 0) return 1;
  let sum = 0;
  for (let j = 0; j < nb.count; j++) sum += lrd[nb.index[j]];
  return (sum / nb.count) * meanReach(nb, kdist);
}
