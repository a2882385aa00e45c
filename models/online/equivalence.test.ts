import { describe, expect, test } from "bun:test";
import { generateDataset } from "../../data/synthetic/index.ts";
import { buildWindows } from "../features/windows.ts";
import { defaultFeatureSpec } from "../features/spec.ts";
import { SeriesFeaturizer } from "../features/featurizer.ts";
import { createOnlineModel } from "./default.ts";
import { componentStats, EXPECTED, LIMITS, type Components } from "./components.ts";
import { MISSING_SCORE } from "../model.ts";
import goldenScores from "./testdata/golden-scores.json";
import goldenWindows from "./testdata/golden-windows.json";

// Golden files were produced by the implementation before the sorted-window optimisation
// (featurizer quickselect + componentStats per point).
const ds = generateDataset({ nSeries: 30, seed: 5 });
const values = ds.series.map((s) => s.values);

/** The former per-point path: featurizer row → componentStats (quickselect medians). */
function referenceScores(series: Float64Array): Float32Array {
  const spec = { ...defaultFeatureSpec(32), scale_half_life: 240 };
  const f = new SeriesFeaturizer(spec);
  const row = new Float32Array(33);
  const scratch = new Float64Array(32);
  const c: Components = { point: 0, level: 0, spread: 0 };
  const t = Float64Array.from(EXPECTED);
  const alpha = 1 - Math.pow(0.5, 1 / 240);
  const out = new Float32Array(series.length);
  for (let i = 0; i < series.length; i++) {
    const r = f.push(series[i], row, 0);
    if (r === "missing") {
      out[i] = MISSING_SCORE;
      continue;
    }
    if (r === "warmup") continue;
    componentStats(row, 32, spec.spread_weight, scratch, c);
    const raw = Math.max(
      c.point / (LIMITS[0] * Math.max(1, t[0] / EXPECTED[0])),
      c.level / (LIMITS[1] * Math.max(1, t[1] / EXPECTED[1])),
      c.spread / (LIMITS[2] * Math.max(1, t[2] / EXPECTED[2])),
    );
    if (raw < 1) {
      t[0] += alpha * (c.point - t[0]);
      t[1] += alpha * (c.level - t[1]);
      t[2] += alpha * (c.spread - t[2]);
    }
    out[i] = raw / (raw + 1);
  }
  return out;
}

describe("online:default equivalence with the former implementation", () => {
  test("scores match the golden scores (≤ 1e-5)", async () => {
    const scores = await createOnlineModel("online:window").scoreSeries(values);
    let worst = 0;
    for (const [k, golden] of Object.entries(goldenScores.series as Record<string, number[]>)) {
      const s = scores[Number(k)];
      expect(s.length).toBe(golden.length);
      for (let i = 0; i < golden.length; i++) worst = Math.max(worst, Math.abs(s[i] - golden[i]));
    }
    expect(worst).toBeLessThanOrEqual(1e-5);
  });

  test("scoreTick matches scoreSeries", async () => {
    const m = createOnlineModel("online:window");
    const series = values.slice(0, 5);
    const offline = await m.scoreSeries(series);
    const states = series.map(() => m.createState());
    for (let t = 0; t < series[0].length; t++) {
      const tick = await m.scoreTick(
        states,
        series.map((v) => v[t]),
      );
      for (let i = 0; i < series.length; i++) expect(tick[i]).toBe(offline[i][t]);
    }
  });

  test("matches the quickselect reference on awkward series (ties, flatlines, counters, gaps)", async () => {
    const n = 600;
    const awkward: Float64Array[] = [
      Float64Array.from({ length: n }, (_, i) => Math.round(Math.sin(i / 7) * 3)), // many ties
      Float64Array.from({ length: n }, (_, i) => (i > 200 && i < 300 ? 5 : (i * 7919) % 13)), // flatline
      Float64Array.from({ length: n }, (_, i) => i * 3 + ((i * 31) % 5)), // counter
      Float64Array.from({ length: n }, (_, i) => (i % 50 === 17 ? Number.NaN : ((i * 2654435761) % 1000) / 10)), // gaps
      Float64Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 1e6 : (i * 48271) % 7)), // spikes
      ...values.slice(0, 3),
    ];
    const scores = await createOnlineModel("online:window").scoreSeries(awkward);
    awkward.forEach((v, s) => {
      const ref = referenceScores(v);
      for (let i = 0; i < v.length; i++) expect(Math.abs(scores[s][i] - ref[i])).toBeLessThanOrEqual(1e-6);
    });
  });

  test("bundle feature rows are identical to the golden rows", () => {
    const w = buildWindows(values, defaultFeatureSpec(32));
    expect(w.batch.n).toBe(goldenWindows.n);
    expect(w.batch.width).toBe(goldenWindows.width);
    const hash = new Bun.CryptoHasher("sha256").update(new Uint8Array(w.batch.data.buffer, w.batch.data.byteOffset, w.batch.data.byteLength)).digest("hex");
    expect(hash).toBe(goldenWindows.sha256);
    for (const [k, rows] of Object.entries(goldenWindows.rows as Record<string, number[][]>)) {
      const s = Number(k);
      let r = 0;
      for (const golden of rows) {
        while (w.seriesIndex[r] !== s) r++;
        expect(w.pointIndex[r]).toBe(golden[0]);
        expect(Array.from(w.batch.data.subarray(r * w.batch.width, (r + 1) * w.batch.width))).toEqual(golden.slice(1));
        r++;
      }
    }
  });
});
