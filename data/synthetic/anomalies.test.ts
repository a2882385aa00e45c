import { describe, expect, test } from "bun:test";
import { ANOMALY_TYPES } from "../types.ts";
import { earliestStart, injectAnomaly, MIN_GAP, planAnomalies, type Canvas } from "./anomalies.ts";
import { createRng } from "../random.ts";

describe("planAnomalies", () => {
  test("respects lead-in, bounds, spacing and non-overlap", () => {
    const seen = new Set<string>();
    for (const n of [300, 1440, 5000]) {
      for (let seed = 0; seed < 300; seed++) {
        const plans = planAnomalies(createRng(seed), n, 3);
        expect(plans.length).toBeGreaterThanOrEqual(1);
        for (const [k, a] of plans.entries()) {
          seen.add(a.type);
          expect(a.start).toBeGreaterThanOrEqual(earliestStart(n));
          expect(a.end).toBeLessThan(n);
          expect(a.labelStart).toBe(a.start);
          expect(a.labelEnd).toBeLessThan(n);
          expect(a.labelEnd).toBeLessThanOrEqual(a.end);
          if (k > 0) expect(a.start - plans[k - 1].end).toBeGreaterThan(MIN_GAP);
        }
      }
    }
    expect([...seen].sort()).toEqual([...ANOMALY_TYPES].sort());
  });

  test("label windows follow the type rules", () => {
    for (let seed = 0; seed < 200; seed++) {
      for (const a of planAnomalies(createRng(seed), 1440, 3)) {
        const len = a.labelEnd - a.labelStart + 1;
        if (a.type === "spike" || a.type === "dip") expect(len).toBe(a.length + 2);
        // shifts and drifts are labelled for their whole excursion, the return included
        if (a.type === "level_shift" || a.type === "drift") expect([a.labelStart, a.labelEnd]).toEqual([a.start, a.end]);
        if (a.type === "drift") expect(len).toBe(a.length + a.hold + 10);
        if (a.type === "flatline") expect(len >= 30 && len <= 90).toBe(true);
        if (a.type === "missing_gap") expect(len >= 5 && len <= 30).toBe(true);
        if (a.type === "variance_burst") expect(len >= 20 && len <= 60).toBe(true);
      }
    }
  });
});

describe("injectAnomaly", () => {
  const canvas = (n: number): Canvas => ({
    noise: new Float64Array(n).fill(1),
    offset: new Float64Array(n),
    sigma: 2,
    base: 100,
    stuck: [],
    missing: [],
  });

  test("spike adds at least max(8σ, 0.3 base) on its points only", () => {
    const c = canvas(20);
    const mag = injectAnomaly(createRng(1), c, { type: "spike", start: 5, end: 8, labelStart: 5, labelEnd: 8, length: 2, hold: 0 });
    expect(c.offset[5]).toBeGreaterThanOrEqual(30);
    expect(c.offset[6]).toBe(c.offset[5]);
    expect(c.offset[7]).toBe(0);
    expect(mag).toBeCloseTo(c.offset[5] / 2, 9);
  });

  test("drift ramps, holds and returns", () => {
    const c = canvas(200);
    const a = { type: "drift" as const, start: 10, end: 10 + 40 + 50 + 10 - 1, labelStart: 10, labelEnd: 49, length: 40, hold: 50 };
    const mag = injectAnomaly(createRng(2), c, a);
    expect(Math.abs(mag)).toBeGreaterThanOrEqual(10);
    expect(c.offset[49]).toBeCloseTo(mag * 2, 9);
    expect(c.offset[99]).toBeCloseTo(mag * 2, 9);
    expect(Math.abs(c.offset[109])).toBeLessThan(Math.abs(mag * 2) / 5);
    expect(c.offset[110]).toBe(0);
  });

  test("variance burst scales noise; flatline and gap are recorded", () => {
    const c = canvas(100);
    const f = injectAnomaly(createRng(3), c, { type: "variance_burst", start: 10, end: 29, labelStart: 10, labelEnd: 29, length: 20, hold: 0 });
    expect(f >= 5 && f <= 8).toBe(true);
    expect(c.noise[10]).toBe(f);
    expect(c.noise[30]).toBe(1);
    injectAnomaly(createRng(3), c, { type: "flatline", start: 40, end: 69, labelStart: 40, labelEnd: 69, length: 30, hold: 0 });
    injectAnomaly(createRng(3), c, { type: "missing_gap", start: 80, end: 84, labelStart: 80, labelEnd: 84, length: 5, hold: 0 });
    expect(c.stuck).toEqual([[40, 69]]);
    expect(c.missing).toEqual([[80, 84]]);
  });
});
