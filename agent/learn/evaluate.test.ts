import { expect, test } from "bun:test";
import { compareResults, evaluateModel, type EvalResult, injectAnomalies, MIN_EVENTS } from "./evaluate.ts";
import type { ScoringModel } from "../../models/model.ts";

const r = (o: Partial<EvalResult>): EvalResult => ({
  f1: 0.5,
  precision: 0.5,
  recall: 0.5,
  false_alarms_per_1k: 1,
  events: 40,
  detected: 20,
  false_alarms: 20,
  points: 20_000,
  non_finite: 0,
  ...o,
});

test("the rule: non-finite refuses; too few events, more false alarms or too small a gain keep the model in use", () => {
  expect(compareResults(r({ non_finite: 3, f1: 0.9 }), r({}), 0.02)).toMatchObject({ outcome: "refused" });
  expect(compareResults(r({ events: MIN_EVENTS - 1, f1: 0.9 }), r({}), 0.02)).toMatchObject({ outcome: "not_better" });
  expect(compareResults(r({ f1: 0.9, false_alarms_per_1k: 1.3 }), r({}), 0.02)).toMatchObject({ outcome: "not_better" });
  expect(compareResults(r({ f1: 0.9, false_alarms_per_1k: 1.25 }), r({}), 0.02)).toMatchObject({ outcome: "better" });
  expect(compareResults(r({ f1: 0.9, false_alarms_per_1k: 0.2 }), r({ false_alarms_per_1k: 0 }), 0.02)).toMatchObject({ outcome: "better" });
  expect(compareResults(r({ f1: 0.51 }), r({}), 0.02)).toMatchObject({ outcome: "not_better" });
  expect(compareResults(r({ f1: 0.52 }), r({}), 0.02)).toMatchObject({ outcome: "better" });
});

test("injected events sit in the held-back part, seeded; a model that flags exactly them scores F1 1, one that flags nothing 0", async () => {
  const n = 3000;
  const values = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 10));
  const set = injectAnomalies([{ values, timestamps: new Float64Array(n), trainEnd: 2000 }], 5);
  expect(set[0].events.length).toBe(2);
  for (const [a] of set[0].events) expect(a).toBeGreaterThanOrEqual(2064);
  expect(injectAnomalies([{ values, timestamps: new Float64Array(n), trainEnd: 2000 }], 5)[0].events).toEqual(set[0].events);
  const oracle = {
    threshold: 0.5,
    scoreSeries: async ([v]: Float64Array[]) => [Float32Array.from(v, (x, i) => (x !== values[i] ? 1 : 0))],
  } as unknown as ScoringModel;
  expect(await evaluateModel(oracle, set)).toMatchObject({ f1: 1, detected: 2, false_alarms: 0, events: 2, points: 1000 });
  const silent = { threshold: 0.5, scoreSeries: async ([v]: Float64Array[]) => [new Float32Array(v.length)] } as unknown as ScoringModel;
  expect(await evaluateModel(silent, set)).toMatchObject({ f1: 0, detected: 0, recall: 0 });
  const nan = { threshold: 0.5, scoreSeries: async ([v]: Float64Array[]) => [new Float32Array(v.length).fill(Number.NaN)] } as unknown as ScoringModel;
  expect((await evaluateModel(nan, set)).non_finite).toBe(1000);
});
