import { expect, test } from "bun:test";
import { evaluate } from "./evaluate.ts";
import { createRng } from "../../data/random.ts";
import type { SeriesEval } from "./types.ts";

test("evaluate handles 1.5M points quickly (timing printed, loose bound)", () => {
  const rand = createRng(1).next;
  const perSeries = 1500;
  const series: SeriesEval[] = Array.from({ length: 1000 }, (_, k) => {
    const labels = new Uint8Array(perSeries);
    for (let w = 0; w < 3; w++) {
      const start = Math.floor(rand() * (perSeries - 20));
      labels.fill(1, start, start + 20);
    }
    const scores = new Float32Array(perSeries);
    for (let i = 0; i < perSeries; i++) scores[i] = i < 30 ? Number.NaN : Math.min(1, rand() * 0.7 + labels[i] * 0.3);
    return {
      name: `s${k}`,
      timestamps: Float64Array.from({ length: perSeries }, (_, i) => i * 60_000),
      values: new Float64Array(perSeries),
      labels,
      scores,
      threshold: 0.65,
    };
  });
  const t0 = performance.now();
  const r = evaluate(series, []);
  const ms = performance.now() - t0;
  console.log(`evaluate: ${r.counts.points} points, ${r.counts.predicted_events} events in ${ms.toFixed(0)} ms`);
  expect(r.counts.points).toBe(1_500_000);
  expect(r.roc_auc!).toBeGreaterThan(0.5);
});
