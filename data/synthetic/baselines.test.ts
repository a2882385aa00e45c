import { describe, expect, test } from "bun:test";
import { BASELINE_KINDS } from "../types.ts";
import { generateBaseline } from "./baselines.ts";
import { createRng } from "../random.ts";

const std = (a: Float64Array): number => {
  const m = a.reduce((x, y) => x + y, 0) / a.length;
  return Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / a.length);
};

describe("generateBaseline", () => {
  test("every kind draws base and noise level from the prototype ranges", () => {
    for (const kind of BASELINE_KINDS) {
      for (let seed = 0; seed < 20; seed++) {
        const b = generateBaseline(createRng(seed), { kind, nPoints: 1440, intervalSeconds: 60 });
        expect(b.baseValue).toBeGreaterThanOrEqual(10);
        expect(b.baseValue).toBeLessThan(1000);
        expect(b.noiseLevel).toBeGreaterThanOrEqual(0.02);
        expect(b.noiseLevel).toBeLessThan(0.1);
        expect(b.noiseStd).toBeCloseTo(b.baseValue * b.noiseLevel, 9);
        expect(Math.abs(std(b.noise) / b.noiseStd - 1)).toBeLessThan(0.1);
      }
    }
  });

  test("seasonal repeats with a one-day period", () => {
    const b = generateBaseline(createRng(3), { kind: "seasonal", nPoints: 2880, intervalSeconds: 60 });
    expect(b.seasonalAmplitude / b.baseValue).toBeGreaterThanOrEqual(0.1);
    expect(b.seasonalAmplitude / b.baseValue).toBeLessThan(0.5);
    for (const i of [0, 100, 700]) expect(b.signal[i + 1440]).toBeCloseTo(b.signal[i], 6);
  });

  test("trend moves by trendTotal over the series", () => {
    for (let seed = 0; seed < 10; seed++) {
      const b = generateBaseline(createRng(seed), { kind: "trend", nPoints: 1440, intervalSeconds: 60 });
      expect(Math.abs(b.trendTotal) / b.baseValue).toBeLessThanOrEqual(0.3);
      if (b.seasonalAmplitude === 0) expect(b.signal[1439] - b.signal[0]).toBeCloseTo(b.trendTotal, 6);
    }
  });

  test("random walk stays bounded around the base", () => {
    for (let seed = 0; seed < 20; seed++) {
      const b = generateBaseline(createRng(seed), { kind: "random_walk", nPoints: 5000, intervalSeconds: 60 });
      for (const v of b.signal) expect(Math.abs(v - b.baseValue)).toBeLessThan(10 * b.noiseStd);
    }
  });
});
