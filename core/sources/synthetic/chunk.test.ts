import { describe, expect, test } from "bun:test";
import { generateDataset } from "../../../data/synthetic/index.ts";
import { createScratch, fillChunk, FLAG_MISSING, FLAG_TRUTH, seriesSpec, type ChunkTarget } from "./chunk.ts";

const L = 400;
const target = (ratio: number): ChunkTarget => ({
  seed: 9,
  anomalyRatio: ratio,
  periodPoints: 1440,
  values: new Float32Array(L),
  flags: new Uint8Array(L),
});

describe("seriesSpec", () => {
  test("draws kind, base level and noise like generateDataset", () => {
    const ds = generateDataset({ nSeries: 30, nPoints: 300, seed: 9 });
    for (let k = 0; k < 30; k++) {
      const spec = seriesSpec(9, k);
      expect(spec.kind).toBe(ds.meta[k].baseline);
      expect(spec.baseValue).toBeCloseTo(ds.meta[k].baseValue, 9);
      expect(spec.sigma).toBeCloseTo(ds.meta[k].noiseStd, 9);
    }
  });
});

describe("fillChunk", () => {
  test("is deterministic per (seed, series, chunk) and differs between chunks", () => {
    const spec = seriesSpec(9, 4);
    const a = target(1);
    const b = target(1);
    fillChunk(spec, 2, spec.walk0, a, createScratch(L));
    fillChunk(spec, 2, spec.walk0, b, createScratch(L));
    expect(b.values).toEqual(a.values);
    expect(b.flags).toEqual(a.flags);
    fillChunk(spec, 3, spec.walk0, b, createScratch(L));
    expect(b.values).not.toEqual(a.values);
  });

  test("with ratio 1 every chunk is labelled; missing points are inside labelled windows", () => {
    let missing = 0;
    for (let k = 0; k < 40; k++) {
      const spec = seriesSpec(9, k);
      const t = target(1);
      fillChunk(spec, 0, spec.walk0, t, createScratch(L));
      expect(t.flags.some((f) => (f & FLAG_TRUTH) !== 0)).toBe(true);
      for (const f of t.flags) {
        if (f & FLAG_MISSING) {
          missing++;
          expect(f & FLAG_TRUTH).toBe(FLAG_TRUTH);
        }
      }
    }
    expect(missing).toBeGreaterThan(0);
  });

  test("with ratio 0 nothing is labelled and values are non-negative", () => {
    const spec = seriesSpec(9, 1);
    const t = target(0);
    fillChunk(spec, 0, spec.walk0, t, createScratch(L));
    expect(t.flags.every((f) => f === 0)).toBe(true);
    expect(t.values.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
  });

  test("the random walk state carries over between chunks", () => {
    let k = 0;
    while (seriesSpec(9, k).kind !== "random_walk") k++;
    const spec = seriesSpec(9, k);
    const t = target(0);
    const w1 = fillChunk(spec, 0, spec.walk0, t, createScratch(L));
    expect(w1).not.toBe(spec.walk0);
    const w2 = fillChunk(spec, 1, w1, t, createScratch(L));
    expect(w2).not.toBe(w1);
  });
});
