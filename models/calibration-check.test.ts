import { expect, test } from "bun:test";
import { calibrationWarning, flaggedShare } from "./calibration-check.ts";
import type { ScoringModel } from "./model.ts";

const bundle = (rate: number) => ({ kind: "autoencoder", name: "ae", manifest: { training: { metrics: { train_fp_rate: rate } } } }) as unknown as ScoringModel;

test("a bundle that flags far more than in training is reported; online models never", () => {
  const scores = [Float32Array.from({ length: 10_000 }, (_, i) => (i % 4 === 0 ? 0.9 : 0.1))];
  const share = flaggedShare(scores, 0.5);
  expect(share).toEqual({ flagged: 2500, total: 10_000 });
  expect(calibrationWarning(bundle(0.00002), share)).toMatch(/^ae flags 25\.0 % of these points but 0\.002 % of its training data/);
  expect(calibrationWarning(bundle(0.3), share)).toBeUndefined();
  expect(calibrationWarning({ kind: "online", name: "online:default" } as ScoringModel, share)).toBeUndefined();
  // a few flagged points are not a finding
  expect(calibrationWarning(bundle(0.00002), flaggedShare([Float32Array.from({ length: 10_000 }, (_, i) => (i < 50 ? 1 : 0))], 0.5))).toBeUndefined();
});
