import { describe, expect, test } from "bun:test";
import { DriftStream } from "./stream.ts";
import { binOf, psi, quantileEdges } from "./psi.ts";

/** Deterministic standard normal draws (Box–Muller over a small LCG): no test depends on luck. */
function normals(n: number, seed = 1): Float64Array {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

describe("psi", () => {
  test("is 0 for equal histograms and grows with the shift", () => {
    expect(psi([10, 20, 30], [1, 2, 3])).toBeCloseTo(0, 9);
    const small = psi([25, 25, 25, 25], [30, 25, 25, 20]);
    const big = psi([25, 25, 25, 25], [70, 10, 10, 10]);
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThan(0.1);
    expect(big).toBeGreaterThan(0.25);
  });
  test("an empty bin gives a finite index; bad entries count as 0; mismatched bins are refused", () => {
    expect(Number.isFinite(psi([100, 0], [0, 100]))).toBe(true);
    expect(psi([Number.NaN, 10, -5], [0, 10, 0])).toBeCloseTo(0, 9);
    expect(() => psi([1, 2], [1, 2, 3])).toThrow(RangeError);
    expect(psi([0, 0], [1, 1])).toBe(0);
  });
});

describe("quantileEdges / binOf", () => {
  test("deciles of a spread sample; bins are left-closed", () => {
    const e = quantileEdges(Array.from({ length: 100 }, (_, i) => i));
    expect(e.length).toBe(9);
    expect(binOf(e, -1)).toBe(0);
    expect(binOf(e, e[0])).toBe(1);
    expect(binOf(e, 1e9)).toBe(9);
  });
  test("a constant sample gets a bin on each side of its value", () => {
    const e = quantileEdges(new Array(50).fill(3));
    expect(binOf(e, 3)).not.toBe(binOf(e, 3.001));
    expect(binOf(e, 3)).not.toBe(binOf(e, 2.999));
  });
  test("non-finite values are left out; nothing finite gives no edges", () => {
    expect(quantileEdges([Number.NaN, Infinity]).length).toBe(0);
    expect(quantileEdges([1, 2, Number.NaN, 3, 4, 5, 6]).every(Number.isFinite)).toBe(true);
  });
});

describe("DriftStream", () => {
  test("a stationary stream never drifts over 50 000 values", () => {
    const d = new DriftStream();
    let starts = 0;
    let max = 0;
    for (const x of normals(50_000, 7)) {
      if (d.observe(10 + x) === "start") starts++;
      max = Math.max(max, d.psi);
    }
    expect(starts).toBe(0);
    expect(max).toBeLessThan(0.15);
  });

  test("a shift of one standard deviation is reported within 2 half-lives, and clears after the return", () => {
    const halfLife = 512;
    const d = new DriftStream({ halfLife });
    const noise = normals(20_000, 3);
    let i = 0;
    for (; i < 5000; i++) expect(d.observe(noise[i])).toBeUndefined();
    let at = -1;
    for (; i < 10_000; i++) if (d.observe(noise[i] + 1) === "start" && at < 0) at = i - 5000;
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(2 * halfLife);
    expect(d.drifted).toBe(true);
    let end = -1;
    for (; i < 20_000; i++) if (d.observe(noise[i]) === "end" && end < 0) end = i;
    expect(end).toBeGreaterThan(0);
    expect(d.drifted).toBe(false);
  });

  test("a change in spread alone (same mean) is drift", () => {
    const d = new DriftStream();
    const noise = normals(8000, 11);
    for (let i = 0; i < 3000; i++) d.observe(noise[i]);
    let started = false;
    for (let i = 3000; i < 8000; i++) started ||= d.observe(noise[i] * 3) === "start";
    expect(started).toBe(true);
  });

  test("a constant series drifts when it moves, up or down, and not before", () => {
    for (const step of [0.5, -0.5]) {
      const d = new DriftStream({ referenceSize: 100, halfLife: 50 });
      for (let i = 0; i < 2000; i++) expect(d.observe(0.1)).toBeUndefined();
      let started = false;
      for (let i = 0; i < 200; i++) started ||= d.observe(0.1 + step) === "start";
      expect(started).toBe(true);
    }
  });

  test("gaps and non-finite values are ignored", () => {
    const d = new DriftStream({ referenceSize: 10, halfLife: 10 });
    for (let i = 0; i < 100; i++) d.observe(i % 2 ? Number.NaN : 1 + (i % 5));
    for (let i = 0; i < 100; i++) d.observe(i % 3 ? Infinity : -Infinity);
    expect(Number.isFinite(d.psi)).toBe(true);
    expect(d.ready).toBe(true);
  });

  test("memory: the reference sample is freed once the edges are taken", () => {
    const d = new DriftStream();
    expect(d.bytes).toBe(4096);
    for (const x of normals(1024, 5)) d.observe(x);
    expect(d.bytes).toBeLessThanOrEqual(256);
  });

  test("reset starts a new reference; bad options are refused", () => {
    const d = new DriftStream({ referenceSize: 50, halfLife: 20 });
    for (let i = 0; i < 100; i++) d.observe(0);
    for (let i = 0; i < 100; i++) d.observe(5);
    expect(d.drifted).toBe(true);
    d.reset();
    expect(d.drifted).toBe(false);
    expect(d.ready).toBe(false);
    expect(() => new DriftStream({ level: 0 })).toThrow(/level/);
    expect(() => new DriftStream({ halfLife: Number.NaN })).toThrow(/halfLife/);
  });
});
