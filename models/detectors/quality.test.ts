/**
 * The quality bar of the detectors added for the seed's model list (lof, gru-autoencoder, vae):
 * each reaches event-F1 ≥ 0.6 on generated data of a seed it never saw, trained small (seconds,
 * not minutes; the full-size numbers are in each README).
 */
import { describe, expect, test } from "bun:test";
import { generateDataset } from "../../data/synthetic/index.ts";
import type { DetectorKind } from "../detector.ts";
import { evaluate } from "../eval/index.ts";
import { trainModel } from "../train.ts";

const train = generateDataset({ nSeries: 60, seed: 1001 });
const unseen = generateDataset({ nSeries: 60, seed: 2002 });

/** Small training runs: few rows and epochs. */
const RUNS: [DetectorKind, { maxRows: number; epochs?: number }][] = [
  ["lof", { maxRows: 20_000 }],
  ["vae", { maxRows: 20_000, epochs: 5 }],
  ["gru-autoencoder", { maxRows: 3_000, epochs: 2 }],
];

describe("seed models on an unseen seed", () => {
  for (const [kind, options] of RUNS) {
    test(`${kind} reaches event-F1 ≥ 0.6`, async () => {
      const { model } = await trainModel(train, { kind, seed: 1, ...options });
      try {
        const scores = await model.scoreSeries(unseen.series.map((s) => s.values));
        const r = evaluate(
          unseen.series.map((s, i) => ({ ...s, labels: s.labels!, scores: scores[i], threshold: model.threshold })),
          unseen.anomalies,
        );
        console.log(`${kind}: event_f1=${r.event_f1.toFixed(3)} precision=${r.event_precision.toFixed(3)} recall=${r.event_recall.toFixed(3)}`);
        expect(r.event_f1).toBeGreaterThanOrEqual(0.6);
      } finally {
        model.dispose();
      }
    }, 180_000);
  }
});
