import { expect, test } from "bun:test";
import { JS_MAX_ROWS, LstmAutoencoder } from "./lstm-autoencoder.ts";
import { gaussianBatch } from "../testing/test-data.ts";

test("hand-written js and tfjs scoring paths match model.predict, in and across chunks", async () => {
  const width = 13;
  const det = new LstmAutoencoder({ width, units: 6, scoreBatch: 300 });
  await det.fit(gaussianBatch(400, width, 1), { seed: 2, epochs: 2 });
  const batch = gaussianBatch(700, width, 3); // 3 tfjs chunks of ≤ 300 rows
  for (let i = 0; i < width; i++) batch.data[i] = i % 2 === 0 ? 9 : -9; // an outlier row too
  const reference = await det.scoreWith(batch, "layers");
  for (const path of ["js", "tfjs", "auto"] as const) {
    const got = await det.scoreWith(batch, path);
    for (let r = 0; r < batch.n; r++) {
      expect(Math.abs(got[r] - reference[r])).toBeLessThanOrEqual(1e-4 * Math.max(1, reference[r]));
    }
  }
  const small = { data: batch.data.subarray(0, 5 * width), n: 5, width };
  expect(5).toBeLessThan(JS_MAX_ROWS);
  const few = await det.scoreRaw(small); // auto → js
  for (let r = 0; r < 5; r++) expect(few[r]).toBeCloseTo(reference[r], 4);
  det.dispose();
}, 120_000);

test("a refit replaces the weights the hand-written paths use", async () => {
  const width = 9;
  const det = new LstmAutoencoder({ width, units: 4 });
  const batch = gaussianBatch(300, width, 5);
  await det.fit(batch, { seed: 1, epochs: 1 });
  const first = await det.scoreWith(batch, "tfjs");
  await det.fit(gaussianBatch(300, width, 6), { seed: 9, epochs: 1 });
  const [tfjs, layers] = [await det.scoreWith(batch, "tfjs"), await det.scoreWith(batch, "layers")];
  expect(tfjs[0]).not.toBe(first[0]);
  for (let r = 0; r < batch.n; r++) expect(tfjs[r]).toBeCloseTo(layers[r], 4);
  det.dispose();
}, 120_000);
