import { averagePathLength, leafPathLengths, type ForestArrays } from "./iforest-arrays.ts";

/**
 * The forest rearranged for scoring. Leaves become absorbing nodes (child = itself, threshold
 * NaN so the comparison is always false), so every row takes exactly `treeDepth[t]` branch-free
 * steps per tree and several rows can be walked in lock-step.
 */
export interface CompiledForest {
  feature: Int32Array;
  threshold: Float32Array;
  /** Left child; a row goes to `child + 1` when `x[feature] >= threshold`. Leaves point at themselves. */
  child: Int32Array;
  /** depth + c(size) at leaves. */
  leafPath: Float64Array;
  roots: Int32Array;
  /** Deepest leaf of each tree. */
  treeDepth: Int32Array;
  /** −1 / (nTrees · c(ψ)): multiply the summed path length by this, then take 2^. */
  scale: number;
}

/** Rows scored together per tree, so one tree stays hot in L1 while a block streams through. */
const BLOCK = 128;

/** Builds the scoring layout from a (validated) node table grown with sub-sample size ψ. */
export function compileForest(f: ForestArrays, psi: number): CompiledForest {
  const count = f.feature.length;
  const feature = new Int32Array(count);
  const threshold = new Float32Array(count);
  const child = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const leaf = f.feature[i] < 0;
    feature[i] = leaf ? 0 : f.feature[i];
    threshold[i] = leaf ? Number.NaN : f.threshold[i];
    child[i] = leaf ? i : f.left[i];
  }
  const treeDepth = new Int32Array(f.roots.length);
  const stack: number[] = [];
  for (let t = 0; t < f.roots.length; t++) {
    stack.push(f.roots[t], 0);
    while (stack.length > 0) {
      const d = stack.pop()!;
      const node = stack.pop()!;
      if (f.feature[node] < 0) treeDepth[t] = Math.max(treeDepth[t], d);
      else stack.push(f.left[node], d + 1, f.right[node], d + 1);
    }
  }
  const scale = -1 / (f.roots.length * averagePathLength(psi));
  return { feature, threshold, child, leafPath: leafPathLengths(f), roots: f.roots, treeDepth, scale };
}

/** Per-block path-length sums; module-level because scoring is synchronous (never re-entered). */
const SUMS = new Float64Array(BLOCK);

/**
 * Scores `n` rows of `width` values: s(x) = 2^(−E[h(x)] / c(ψ)), in (0, 1], higher = more
 * anomalous. Writes `out[0..n)` and returns it; allocates nothing. Tree-major within blocks of
 * rows, four rows walked in lock-step with branch-free steps (≈3× a per-row `while` loop);
 * leftover rows (and single-row calls) walk four trees in lock-step instead.
 * @example
 * scoreForest(compileForest(forest, 256), data, n, 33, new Float32Array(n));
 */
export function scoreForest(c: CompiledForest, data: Float32Array, n: number, width: number, out: Float32Array): Float32Array {
  const { feature: F, threshold: T, child: C, leafPath: P, roots, treeDepth } = c;
  const nTrees = roots.length;
  const sums = SUMS;
  for (let b = 0; b < n; b += BLOCK) {
    const m = Math.min(BLOCK, n - b);
    const m4 = m & ~3;
    sums.fill(0);
    for (let t = 0; m4 > 0 && t < nTrees; t++) {
      const root = roots[t];
      const depth = treeDepth[t];
      for (let r = 0, b0 = b * width; r < m4; r += 4, b0 += 4 * width) {
        const b1 = b0 + width;
        const b2 = b1 + width;
        const b3 = b2 + width;
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        for (let d = 0; d < depth; d++) {
          n0 = C[n0] + +(data[b0 + F[n0]] >= T[n0]);
          n1 = C[n1] + +(data[b1 + F[n1]] >= T[n1]);
          n2 = C[n2] + +(data[b2 + F[n2]] >= T[n2]);
          n3 = C[n3] + +(data[b3 + F[n3]] >= T[n3]);
        }
        sums[r] += P[n0];
        sums[r + 1] += P[n1];
        sums[r + 2] += P[n2];
        sums[r + 3] += P[n3];
      }
    }
    for (let r = m4; r < m; r++) sums[r] = walkRow(c, data, (b + r) * width);
    for (let r = 0; r < m; r++) out[b + r] = Math.pow(2, sums[r] * c.scale);
  }
  return out;
}

/** Summed path length of one row over all trees, four trees in lock-step. */
function walkRow(c: CompiledForest, data: Float32Array, base: number): number {
  const { feature: F, threshold: T, child: C, leafPath: P, roots, treeDepth } = c;
  const nTrees = roots.length;
  let sum = 0;
  let t = 0;
  for (; t + 4 <= nTrees; t += 4) {
    let n0 = roots[t];
    let n1 = roots[t + 1];
    let n2 = roots[t + 2];
    let n3 = roots[t + 3];
    // absorbing leaves make extra steps harmless, so walk the deepest of the four
    const depth = Math.max(treeDepth[t], treeDepth[t + 1], treeDepth[t + 2], treeDepth[t + 3]);
    for (let d = 0; d < depth; d++) {
      n0 = C[n0] + +(data[base + F[n0]] >= T[n0]);
      n1 = C[n1] + +(data[base + F[n1]] >= T[n1]);
      n2 = C[n2] + +(data[base + F[n2]] >= T[n2]);
      n3 = C[n3] + +(data[base + F[n3]] >= T[n3]);
    }
    sum += P[n0] + P[n1] + P[n2] + P[n3];
  }
  for (; t < nTrees; t++) {
    let node = roots[t];
    for (let d = treeDepth[t]; d > 0; d--) node = C[node] + +(data[base + F[node]] >= T[node]);
    sum += P[node];
  }
  return sum;
}
