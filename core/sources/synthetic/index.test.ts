import { describe, expect, test } from "bun:test";
import { generateDataset } from "../../../data/synthetic/index.ts";
import type { MetricSample } from "../../events.ts";
import { createSyntheticSource, type SyntheticSourceOptions } from "./index.ts";

const T0 = Date.UTC(2026, 0, 1);

/** Run `rounds` rounds; returns values[round][series] and truth[round][series]. */
async function run(opts: SyntheticSourceOptions, rounds: number): Promise<{ values: number[][]; truth: number[][]; last: MetricSample[] }> {
  const src = createSyntheticSource(opts);
  const values: number[][] = [];
  const truth: number[][] = [];
  let last: MetricSample[] = [];
  for (let r = 0; r < rounds; r++) {
    const { samples, errors } = await src.collect(T0 + r * opts.intervalMs);
    expect(errors).toEqual([]);
    values.push(samples.map((s) => s.value));
    truth.push(samples.map((s) => s.truth ?? -1));
    last = samples;
  }
  return { values, truth, last };
}

const base: SyntheticSourceOptions = { id: "syn", intervalMs: 60_000, series: 40, seed: 5, chunkPoints: 300 };

describe("createSyntheticSource", () => {
  test("emits one labelled sample per series with timestamp now", async () => {
    const src = createSyntheticSource(base);
    const { samples } = await src.collect(T0);
    expect(samples.length).toBe(40);
    expect(samples[3].name).toBe("synthetic.value");
    expect(samples[3].labels.series).toBe("series_0003");
    expect(samples[3].timestamp).toBe(T0);
    for (const s of samples) {
      expect(s.type).toBe(s.labels.baseline === "counter" ? "counter" : "gauge");
      expect(s.truth === 0 || s.truth === 1).toBe(true);
    }
    expect(src.rounds).toBe(1);
    expect(src.seriesInfo[3]).toEqual({ name: "series_0003", baseline: samples[3].labels.baseline as never });
  });

  test("baseline kinds match the offline dataset of the same seed", async () => {
    const ds = generateDataset({ nSeries: 40, nPoints: 300, seed: 5 });
    const { last } = await run(base, 1);
    expect(last.map((s) => s.labels.baseline)).toEqual(ds.meta.map((m) => m.baseline));
  });

  test("the same seed gives the same sequence across chunk boundaries; another seed differs", async () => {
    const a = await run(base, 700);
    const b = await run(base, 700);
    expect(b.values).toEqual(a.values);
    expect(b.truth).toEqual(a.truth);
    const c = await run({ ...base, seed: 6 }, 3);
    expect(c.values).not.toEqual(a.values.slice(0, 3));
  });

  test("a series does not depend on how many series there are", async () => {
    const small = await run({ ...base, series: 5 }, 400);
    const big = await run(base, 400);
    for (let r = 0; r < 400; r++) expect(big.values[r].slice(0, 5)).toEqual(small.values[r]);
  });

  test("labels are kept: anomalies appear, NaN gaps are labelled, clean data is mostly unlabelled", async () => {
    const { values, truth } = await run({ ...base, series: 200, anomalyRatio: 0.5 }, 900);
    let nan = 0;
    let labelled = 0;
    let total = 0;
    for (let r = 0; r < values.length; r++)
      for (let k = 0; k < values[r].length; k++) {
        total++;
        if (truth[r][k] === 1) labelled++;
        if (Number.isNaN(values[r][k])) {
          nan++;
          expect(truth[r][k]).toBe(1);
        }
      }
    expect(nan).toBeGreaterThan(0);
    expect(labelled / total).toBeGreaterThan(0.01);
    expect(labelled / total).toBeLessThan(0.4);
    const none = await run({ ...base, anomalyRatio: 0 }, 650);
    expect(none.truth.flat().every((t) => t === 0)).toBe(true);
    expect(none.values.flat().every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
  });

  test("counters never decrease and signals stay continuous across chunk boundaries", async () => {
    const { values, last } = await run({ ...base, anomalyRatio: 0, series: 60 }, 900);
    for (let k = 0; k < last.length; k++) {
      const col = values.map((row) => row[k]);
      if (last[k].type === "counter") {
        for (let r = 1; r < col.length; r++) expect(col[r]).toBeGreaterThanOrEqual(col[r - 1]);
        continue;
      }
      // Without anomalies, no step should be far beyond the noise: no jumps at chunk edges.
      const diffs = col.slice(1).map((v, r) => Math.abs(v - col[r]));
      const median = [...diffs].sort((x, y) => x - y)[diffs.length >> 1];
      expect(Math.max(...diffs)).toBeLessThan(8 * median + 1e-9);
    }
  });

  test("rejects invalid options with every problem listed", () => {
    expect(() => createSyntheticSource({ id: "x", intervalMs: 0, series: 0, anomalyRatio: 2, chunkPoints: 10 })).toThrow(
      /series must.*intervalMs must.*anomalyRatio must.*chunkPoints must/,
    );
  });

  test("10k series: every round yields one sample per series (speed is in scripts/bench)", async () => {
    const src = createSyntheticSource({ id: "big", intervalMs: 1000, series: 10_000, seed: 3 });
    await src.collect(T0); // generates every first chunk
    for (let r = 1; r <= 20; r++) expect((await src.collect(T0 + r * 1000)).samples.length).toBe(10_000);
  });
});
