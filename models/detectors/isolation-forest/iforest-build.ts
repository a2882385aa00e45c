import type { ForestArrays } from "./iforest-arrays.ts";
import type { Rng } from "../../../data/random.ts";

/** Inputs of {@link buildForest}. */
export interface BuildForestOptions {
  nTrees: number;
  /** ψ: rows sub-sampled (without replacement) per tree; must be ≤ the number of rows. */
  sampleSize: number;
  rng: Rng;
  /** Called after each tree with the fraction done. */
  onTree?: (fraction: number) => void;
}

/** Random attempts at a non-constant feature before scanning all of them. */
const FEATURE_TRIES = 4;

/**
 * Grows an isolation forest (Liu, Ting, Zhou 2008) over `n` rows of `width` values: each
 * tree sees ψ rows, splits on a random non-constant feature at a uniform random value
 * between the node's min and max, and stops at depth ceil(log2 ψ) or one distinct row.
 * @example
 * const f = buildForest(data, n, 33, { nTrees: 100, sampleSize: 256, rng: createRng(1) });
 */
export function buildForest(data: Float32Array, n: number, width: number, o: BuildForestOptions): ForestArrays {
  const psi = o.sampleSize;
  if (!(psi >= 2 && psi <= n)) throw new RangeError(`buildForest: sampleSize ${psi} must be in [2, ${n}]`);
  const maxDepth = Math.ceil(Math.log2(psi));
  const perTree = 2 * psi - 1;
  const cap = o.nTrees * perTree;
  const feature = new Int32Array(cap);
  const threshold = new Float32Array(cap);
  const left = new Int32Array(cap);
  const size = new Int32Array(cap);
  const roots = new Int32Array(o.nTrees);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const idx = new Int32Array(psi);
  const stack: number[] = [];
  const rng = o.rng;
  let count = 0;

  for (let t = 0; t < o.nTrees; t++) {
    // partial Fisher–Yates: perm stays a permutation, its first ψ entries are a fresh sample
    for (let j = 0; j < psi; j++) {
      const r = j + rng.int(0, n - j - 1);
      const tmp = perm[j];
      perm[j] = perm[r];
      perm[r] = tmp;
      idx[j] = perm[j] * width;
    }
    roots[t] = count;
    stack.push(count++, 0, psi, 0);
    while (stack.length > 0) {
      const depth = stack.pop()!;
      const end = stack.pop()!;
      const start = stack.pop()!;
      const node = stack.pop()!;
      size[node] = end - start;
      feature[node] = -1;
      left[node] = -1;
      if (depth >= maxDepth || end - start <= 1) continue;
      const feat = pickFeature(data, idx, start, end, width, rng);
      if (feat < 0) continue; // all rows identical
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = start; k < end; k++) {
        const v = data[idx[k] + feat];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      // float32 threshold, strictly above min so both sides are non-empty
      let thr = Math.fround(lo + rng.next() * (hi - lo));
      if (!(thr > lo && thr <= hi)) thr = hi;
      let i = start;
      let j = end - 1;
      while (i <= j) {
        if (data[idx[i] + feat] < thr) i++;
        else {
          const tmp = idx[i];
          idx[i] = idx[j];
          idx[j--] = tmp;
        }
      }
      feature[node] = feat;
      threshold[node] = thr;
      left[node] = count;
      stack.push(count, start, i, depth + 1, count + 1, i, end, depth + 1);
      count += 2;
    }
    o.onTree?.((t + 1) / o.nTrees);
  }
  const lefts = left.slice(0, count);
  const right = lefts.map((l) => (l < 0 ? -1 : l + 1));
  return {
    feature: feature.slice(0, count),
    threshold: threshold.slice(0, count),
    left: lefts,
    right,
    size: size.slice(0, count),
    roots,
  };
}

/** A random feature whose values differ within idx[start..end), or −1 if none does. */
function pickFeature(data: Float32Array, idx: Int32Array, start: number, end: number, width: number, rng: Rng): number {
  for (let attempt = 0; attempt < FEATURE_TRIES; attempt++) {
    const feat = rng.int(0, width - 1);
    if (varies(data, idx, start, end, feat)) return feat;
  }
  const offset = rng.int(0, width - 1); // mostly-constant data: scan every feature once
  for (let k = 0; k < width; k++) {
    const feat = (offset + k) % width;
    if (varies(data, idx, start, end, feat)) return feat;
  }
  return -1;
}

function varies(data: Float32Array, idx: Int32Array, start: number, end: number, feat: number): boolean {
  const first = data[idx[start] + feat];
  for (let k = start + 1; k < end; k++) if (data[idx[k] + feat] !== first) return true;
  return false;
}
