import { expect, test } from "bun:test";
import { kNearest, lofScore, MIN_REACH, neighbours, referenceDensity } from "./knn.ts";
import { gaussianBatch } from "../testing/test-data.ts";

/** The k nearest by sorting every squared distance (ties: lower index first). */
function naive(ref: Float32Array, m: number, width: number, q: Float32Array, qOff: number, k: number, exclude: number): number[] {
  const d: [number, number][] = [];
  for (let r = 0; r < m; r++) {
    if (r === exclude) continue;
    let s = 0;
    for (let c = width - 1; c >= 0; c--) s += (q[qOff + c] - ref[r * width + c]) ** 2;
    d.push([s, r]);
  }
  return d
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .slice(0, k)
    .map((x) => x[1]);
}

test("kNearest finds the same neighbours as a full sort, an excluded row skipped", () => {
  const width = 9;
  const ref = gaussianBatch(300, width, 1);
  const queries = gaussianBatch(50, width, 2);
  for (const k of [1, 5, 20]) {
    const nb = neighbours(k);
    for (let q = 0; q < queries.n; q++) {
      const want = naive(ref.data, ref.n, width, queries.data, q * width, k, q % 7 === 0 ? q : -1);
      kNearest(ref.data, ref.n, width, queries.data, q * width, k, q % 7 === 0 ? q : -1, nb);
      expect(nb.count).toBe(k);
      expect(Array.from(nb.index)).toEqual(want);
    }
  }
});

test("fewer reference rows than k: every row is a neighbour", () => {
  const ref = gaussianBatch(3, 4, 1);
  const nb = neighbours(5);
  kNearest(ref.data, 3, 4, ref.data, 0, 5, 0, nb);
  expect(nb.count).toBe(2);
  expect(Array.from(nb.index.subarray(0, 2)).sort()).toEqual([1, 2]);
});

test("a far point's LOF is far above 1, an inlier's about 1; duplicated windows keep every density finite", () => {
  const width = 5;
  const ref = gaussianBatch(500, width, 3).data;
  const { kdist, lrd } = referenceDensity(ref, 500, width, 10);
  const nb = neighbours(10);
  const lofOf = (x: Float32Array, r = ref, d = { kdist, lrd }) => {
    kNearest(r, r.length / width, width, x, 0, 10, -1, nb);
    return lofScore(nb, d.kdist, d.lrd);
  };
  const inlierLof = lofOf(new Float32Array(width));
  expect(inlierLof).toBeGreaterThan(0.7);
  expect(inlierLof).toBeLessThan(1.5);
  expect(lofOf(new Float32Array(width).fill(8))).toBeGreaterThan(3);

  const flat = new Float32Array(50 * width); // 50 identical windows: k-distances 0
  const dup = referenceDensity(flat, 50, width, 10);
  expect(dup.lrd.every((v) => v === Math.fround(1 / MIN_REACH))).toBe(true);
  expect(lofOf(new Float32Array(width), flat, dup)).toBe(1);
  const off = lofOf(Float32Array.of(0, 0, 0, 0, 1), flat, dup);
  expect(Number.isFinite(off)).toBe(true);
  expect(off).toBeGreaterThan(1e5);
});
