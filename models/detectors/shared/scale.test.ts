import { describe, expect, test } from "bun:test";
import { createRng } from "../../../data/random.ts";
import { medianAbsDeviation, median, quickselect } from "./scale.ts";

function sortedCopy(a: Float64Array): Float64Array {
  return Float64Array.from(a).sort();
}

describe("quickselect", () => {
  test("finds every order statistic of random arrays, with duplicates", () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.int(0, 39);
      const a = Float64Array.from({ length: n }, () => rng.int(0, 5) - 3 + (trial % 2 ? rng.next() : 0));
      const ref = sortedCopy(a);
      const k = rng.int(0, n - 1);
      const buf = Float64Array.from(a);
      expect(quickselect(buf, n, k)).toBe(ref[k]);
      for (let i = 0; i < k; i++) expect(buf[i] <= buf[k]).toBe(true);
      for (let i = k + 1; i < n; i++) expect(buf[i] >= buf[k]).toBe(true);
    }
  });

  test("only looks at the first n values", () => {
    expect(quickselect(new Float64Array([3, 1, 2, -100]), 3, 0)).toBe(1);
  });

  test("rejects k out of range", () => {
    expect(() => quickselect(new Float64Array(3), 3, 3)).toThrow(RangeError);
  });
});

describe("median", () => {
  test("odd and even lengths", () => {
    expect(median(new Float64Array([5, 1, 4, 2, 3]), 5)).toBe(3);
    expect(median(new Float64Array([4, 1, 3, 2]), 4)).toBe(2.5);
    expect(median(new Float32Array([7]), 1)).toBe(7);
  });

  test("matches a sort-based median on random data", () => {
    const rng = createRng(12);
    for (let trial = 0; trial < 100; trial++) {
      const n = 1 + rng.int(0, 49);
      const a = Float64Array.from({ length: n }, () => rng.next() * 10 - 5);
      const s = sortedCopy(a);
      const want = n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
      expect(median(Float64Array.from(a), n)).toBeCloseTo(want, 12);
    }
  });
});

describe("medianAbsDeviation", () => {
  test("ignores a single outlier", () => {
    expect(medianAbsDeviation(new Float64Array([1, 2, 3, 4, 100]), 5, 3)).toBe(1);
  });

  test("is zero for a constant series", () => {
    expect(medianAbsDeviation(new Float64Array([2, 2, 2, 2]), 4, 2)).toBe(0);
  });
});
