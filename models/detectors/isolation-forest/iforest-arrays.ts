/**
 * Flat, typed-array storage of a whole isolation forest, plus the path-length maths.
 *
 * Node `i` of the forest is a leaf when `feature[i] < 0`; otherwise a row `x` goes to
 * `left[i]` when `x[feature[i]] < threshold[i]` and to `right[i]` otherwise. Children are
 * always allocated as a pair (`right[i] === left[i] + 1`) after their parent, so node indices
 * grow with depth and a forward pass visits parents before children.
 */

/** The forest's node table; every array has one entry per node, `roots` one per tree. */
export interface ForestArrays {
  /** Split feature (column of the window), −1 at leaves. */
  feature: Int32Array;
  /** Split value (goes left when `x < threshold`), 0 at leaves. */
  threshold: Float32Array;
  /** Left child node index, −1 at leaves. */
  left: Int32Array;
  /** Right child node index (= left + 1), −1 at leaves. */
  right: Int32Array;
  /** Training samples that reached the node. */
  size: Int32Array;
  /** Root node index of each tree. */
  roots: Int32Array;
}

const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n
 * points (Liu et al. 2008) — used to normalise depths and to extend depth-limited leaves.
 * @example
 * averagePathLength(256); // ≈ 10.24
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/**
 * For every leaf, its depth plus c(size) — the path length a row ending there contributes.
 * Internal nodes get 0. Relies on children being stored after their parent.
 */
export function leafPathLengths(f: ForestArrays): Float64Array {
  const count = f.feature.length;
  const depth = new Int32Array(count);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    if (f.feature[i] >= 0) {
      depth[f.left[i]] = depth[i] + 1;
      depth[f.right[i]] = depth[i] + 1;
    } else {
      out[i] = depth[i] + averagePathLength(f.size[i]);
    }
  }
  return out;
}

/**
 * Checks a node table (e.g. one read back from disk) is well formed: equal lengths, features
 * inside `width`, finite thresholds, children paired and after their parent, every tree's
 * root in range. Returns a list of problems; empty means valid.
 */
export function forestProblems(f: ForestArrays, width: number): string[] {
  const problems: string[] = [];
  const count = f.feature.length;
  for (const [name, arr] of [
    ["threshold", f.threshold],
    ["left", f.left],
    ["right", f.right],
    ["size", f.size],
  ] as const) {
    if (arr.length !== count) problems.push(`${name} has ${arr.length} entries, feature has ${count}`);
  }
  if (problems.length > 0) return problems;
  for (let t = 0; t < f.roots.length; t++) {
    const r = f.roots[t];
    if (!(r >= 0 && r < count)) problems.push(`roots[${t}] = ${r} outside [0, ${count})`);
  }
  for (let i = 0; i < count && problems.length < 10; i++) {
    const feat = f.feature[i];
    if (feat < 0) continue;
    if (feat >= width) problems.push(`node ${i}: feature ${feat} outside width ${width}`);
    if (!Number.isFinite(f.threshold[i])) problems.push(`node ${i}: threshold ${f.threshold[i]} is not finite`);
    const l = f.left[i];
    if (!(l > i && l + 1 < count && f.right[i] === l + 1)) problems.push(`node ${i}: children ${l}/${f.right[i]} malformed`);
  }
  return problems;
}
