/**
 * Quality bar of the ML core, asserted on data generated with a seed the models never saw:
 * the default bundle detector (dense autoencoder) and `online:default` each reach event-F1 ≥ 0.85;
 * the autoencoder beats the robust z-score baseline on PR-AUC. `online:default` marks onsets (one
 * alarm per incident, the rest of it scored below the threshold), so point-wise PR-AUC over whole
 * labelled windows is not what it optimises; its false positives per 1000 points are bounded instead.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { generateDataset } from "../data/synthetic/index.ts";
import { evaluate, type EvalResult } from "./eval/index.ts";
import type { ScoringModel } from "./model.ts";
import { createOnlineModel } from "./online/default.ts";
import { trainModel } from "./train.ts";

const TRAIN_SEED = 1001;
const TEST_SEED = 2002;

async function evalModel(model: ScoringModel, ds: ReturnType<typeof generateDataset>): Promise<EvalResult> {
  const scores = await model.scoreSeries(ds.series.map((s) => s.values));
  return evaluate(
    ds.series.map((s, i) => ({ name: s.name, timestamps: s.timestamps, values: s.values, labels: s.labels!, scores: scores[i], threshold: model.threshold })),
    ds.anomalies,
  );
}

describe("detector quality on unseen data", () => {
  const results: Record<string, EvalResult> = {};
  beforeAll(async () => {
    const train = generateDataset({ nSeries: 200, seed: TRAIN_SEED });
    const testSet = generateDataset({ nSeries: 200, seed: TEST_SEED });
    const ae = await trainModel(train, { kind: "autoencoder", epochs: 6, maxRows: 100_000, seed: 1 });
    const rz = await trainModel(train, { kind: "robust-zscore", seed: 1 });
    results.autoencoder = await evalModel(ae.model, testSet);
    results["robust-zscore"] = await evalModel(rz.model, testSet);
    results["online:default"] = await evalModel(createOnlineModel("online:default"), testSet);
    ae.model.dispose();
    for (const [name, r] of Object.entries(results)) {
      console.log(`${name}: event_f1=${r.event_f1.toFixed(3)} pr_auc=${r.pr_auc?.toFixed(3)} f1=${r.f1.toFixed(3)}`);
    }
  }, 180_000);

  for (const name of ["autoencoder", "online:default"]) {
    test(`${name} reaches event-F1 ≥ 0.85`, () => {
      expect(results[name].event_f1).toBeGreaterThanOrEqual(0.85);
    });
  }
  test("autoencoder beats robust-zscore on PR-AUC", () => {
    expect(results.autoencoder.pr_auc!).toBeGreaterThan(results["robust-zscore"].pr_auc!);
  });
  test("online:default: at most 0.1 false-positive points per 1000 and more precise events than robust-zscore", () => {
    expect(results["online:default"].fp_per_1k).toBeLessThanOrEqual(0.1);
    expect(results["online:default"].event_precision).toBeGreaterThan(results["robust-zscore"].event_precision);
  });
});
