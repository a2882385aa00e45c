import { describe, expect, test } from "bun:test";
import { ANOMALY_TYPES, BASELINE_KINDS } from "../types.ts";
import { earliestStart, MIN_GAP } from "./anomalies.ts";
import { generateDataset, resolveParams } from "./generate.ts";
import { generateSeries } from "./series.ts";

const ds = generateDataset({ nSeries: 200, nPoints: 1440, seed: 5 });
const sameFloats = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe("generateDataset", () => {
  test("is deterministic per seed", () => {
    const again = generateDataset({ nSeries: 200, nPoints: 1440, seed: 5 });
    expect(again.meta).toEqual(ds.meta);
    expect(again.series.every((s, k) => sameFloats(s.values, ds.series[k].values))).toBe(true);
    const other = generateDataset({ nSeries: 200, nPoints: 1440, seed: 6 });
    expect(sameFloats(other.series[0].values, ds.series[0].values)).toBe(false);
  });

  test("names are zero-padded and timestamps shared", () => {
    expect(ds.series[0].name).toBe("series_0000");
    expect(ds.series[199].name).toBe("series_0199");
    expect(generateDataset({ nSeries: 10001, nPoints: 300, anomalyRatio: 0 }).series[10000].name).toBe("series_10000");
    expect(ds.series[3].timestamps[1] - ds.series[3].timestamps[0]).toBe(60_000);
    expect(ds.series[3].timestamps[0]).toBe(Date.UTC(2026, 0, 1));
  });

  test("exactly round(nSeries × ratio) series carry 1-3 anomalies", () => {
    const withA = ds.meta.filter((m) => m.anomalies.length > 0);
    expect(withA.length).toBe(60);
    for (const m of withA) expect(m.anomalies.length).toBeLessThanOrEqual(3);
    expect(generateDataset({ nSeries: 7, nPoints: 300, anomalyRatio: 0.5 }).meta.filter((m) => m.anomalies.length).length).toBe(4);
    expect(generateDataset({ nSeries: 5, nPoints: 300, anomalyRatio: 0 }).anomalies).toEqual([]);
  });

  test("every anomaly type and baseline kind appears", () => {
    expect(new Set(ds.anomalies.map((a) => a.type))).toEqual(new Set(ANOMALY_TYPES));
    expect(new Set(ds.meta.map((m) => m.baseline))).toEqual(new Set(BASELINE_KINDS));
  });

  test("labels equal the union of metadata windows; ISO ends match indices", () => {
    for (const [k, s] of ds.series.entries()) {
      const expected = new Uint8Array(s.values.length);
      for (const a of ds.meta[k].anomalies) {
        expected.fill(1, a.startIndex, a.endIndex + 1);
        expect(a.start).toBe(new Date(s.timestamps[a.startIndex]).toISOString().replace(".000Z", "Z"));
        expect(a.end).toBe(new Date(s.timestamps[a.endIndex]).toISOString().replace(".000Z", "Z"));
      }
      expect(s.labels).toEqual(expected);
    }
  });

  test("anomalies start after the lead-in and are spaced", () => {
    for (const m of ds.meta) {
      m.anomalies.forEach((a, i) => {
        expect(a.affectedStart).toBeGreaterThanOrEqual(earliestStart(1440));
        expect(a.affectedEnd).toBeLessThan(1440);
        if (i > 0) expect(a.affectedStart - m.anomalies[i - 1].affectedEnd).toBeGreaterThan(MIN_GAP);
      });
    }
  });

  test("magnitudes against the exact clean series", () => {
    const p = ds.params;
    const ts = ds.series[0].timestamps;
    for (const [k, m] of ds.meta.entries()) {
      if (m.anomalies.length === 0 || m.baseline === "counter") continue;
      const clean = generateSeries(p, k, m.name, false, ts).series.values;
      const v = ds.series[k].values;
      const sd = m.noiseStd;
      for (const a of m.anomalies) {
        const i = a.affectedStart;
        if (a.type === "spike") expect(v[i] - clean[i]).toBeGreaterThan(6 * sd);
        if (a.type === "dip") expect(clean[i] - v[i]).toBeGreaterThanOrEqual(Math.min(6 * sd, clean[i]));
        if (a.type === "level_shift") expect(Math.abs(v[i + 20] - clean[i + 20])).toBeGreaterThan(Math.min(5 * sd, clean[i + 20] - 1e-9));
        if (a.type === "drift") expect(Math.abs(a.magnitude)).toBeGreaterThanOrEqual(10);
        if (a.type === "missing_gap") expect(v.slice(i, a.affectedEnd + 1).every(Number.isNaN)).toBe(true);
        if (a.type === "flatline") expect(new Set(v.slice(i, a.affectedEnd + 1)).size).toBe(1);
      }
      const touched = new Uint8Array(v.length);
      for (const a of m.anomalies) touched.fill(1, a.affectedStart, a.affectedEnd + 1);
      for (let i = 0; i < v.length; i++) if (!touched[i]) expect(v[i]).toBe(clean[i]);
    }
  });

  test("counters are monotonic outside gaps and clean values are never negative", () => {
    for (const [k, m] of ds.meta.entries()) {
      const v = ds.series[k].values;
      let prev = -Infinity;
      for (const x of v) {
        if (Number.isNaN(x)) continue;
        expect(x).toBeGreaterThanOrEqual(m.baseline === "counter" ? prev : 0);
        prev = x;
      }
    }
  });

  test("rejects invalid options, listing every problem", () => {
    expect(() => resolveParams({ nSeries: 0, anomalyRatio: 2 })).toThrow(/nSeries.*; anomalyRatio/);
    expect(() => generateDataset({ nPoints: 50 })).toThrow(RangeError);
  });
});
