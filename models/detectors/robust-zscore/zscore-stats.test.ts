import { describe, expect, test } from "bun:test";
import { ewmaStats, madStats } from "./zscore-stats.ts";

describe("madStats", () => {
  test("median and scaled MAD of a slice, ignoring one outlier", () => {
    const out = new Float64Array(2);
    madStats(Float32Array.from([99, 1, 2, 3, 4, 100]), 1, 5, new Float64Array(5), out);
    expect(out[0]).toBe(3);
    expect(out[1]).toBeCloseTo(1.4826, 6);
  });

  test("spread is 0 for a constant slice", () => {
    const out = new Float64Array(2);
    madStats(new Float32Array(8).fill(2), 0, 8, new Float64Array(8), out);
    expect(Array.from(out)).toEqual([2, 0]);
  });
});

describe("ewmaStats", () => {
  test("alpha = 1 tracks the last value with zero spread", () => {
    const out = new Float64Array(2);
    ewmaStats(Float32Array.from([1, 5, 3]), 0, 3, 1, out);
    expect(Array.from(out)).toEqual([3, 0]);
  });

  test("matches explicit exponential weights", () => {
    const xs = [0.5, -1, 2, 0.25, 1.5];
    const alpha = 0.3;
    let m = xs[0];
    let v = 0;
    for (const x of xs.slice(1)) {
      const prev = m;
      m = alpha * x + (1 - alpha) * m;
      v = (1 - alpha) * (v + alpha * (x - prev) ** 2);
    }
    const out = new Float64Array(2);
    ewmaStats(Float32Array.from(xs), 0, xs.length, alpha, out);
    expect(out[0]).toBeCloseTo(m, 6);
    expect(out[1]).toBeCloseTo(Math.sqrt(v), 6);
  });
});
