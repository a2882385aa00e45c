import { expect, test } from "bun:test";
import { GRU_JS_MAX_ROWS, GruAutoencoder } from "./gru-autoencoder.ts";
import { LstmAutoencoder } from "../lstm-autoencoder/lstm-autoencoder.ts";
import { gaussianBatch } from "../testing/test-data.ts";

test("the plain-TypeScript and hand-written tfjs cells match model.predict (the tfjs-layers GRU), in and across chunks, outlier rows too", async () => {
  const width = 11;
  const det = new GruAutoencoder({ width, units: 6, scoreBatch: 120 });
  await det.fit(gaussianBatch(300, width, 1), { seed: 2, epochs: 2 });
  const batch = gaussianBatch(300, width, 3); // 3 chunks
  for (let i = 0; i < width; i++) batch.data[i] = i % 2 === 0 ? 9 : -9;
  const reference = await det.scoreWith(batch, "layers");
  for (const path of ["js", "tfjs", "auto"] as const) {
    const got = await det.scoreWith(batch, path);
    for (let r = 0; r < batch.n; r++) expect(Math.abs(got[r] - reference[r])).toBeLessThanOrEqual(1e-4 * Math.max(1, reference[r]));
    expect(got[0]).toBeGreaterThan(Math.max(...got.subarray(1)));
  }
  expect(batch.n).toBeGreaterThanOrEqual(GRU_JS_MAX_ROWS);
  const few = { data: batch.data.subarray(0, 5 * width), n: 5, width };
  expect(await det.scoreRaw(few)).toEqual(await det.scoreWith(few, "js")); // auto → js below GRU_JS_MAX_ROWS
  await det.fit(gaussianBatch(300, width, 4), { seed: 7, epochs: 1 }); // a refit replaces the weights every path uses
  const [tfjs, layers] = [await det.scoreWith(batch, "tfjs"), await det.scoreWith(batch, "layers")];
  for (let r = 0; r < batch.n; r++) expect(Math.abs(tfjs[r] - layers[r])).toBeLessThanOrEqual(1e-4 * Math.max(1, layers[r]));
  det.dispose();
}, 120_000);

test("the same seed trains the same weights; another seed does not", async () => {
  const train = gaussianBatch(300, 7, 1);
  const weights = async (seed: number) => {
    const det = new GruAutoencoder({ width: 7, units: 4 });
    await det.fit(train, { seed, epochs: 1 });
    const saved = await det.save();
    det.dispose();
    return saved.files.find((f) => f.path === "weights.bin")!.data;
  };
  const a = await weights(3);
  expect(await weights(3)).toEqual(a);
  expect(await weights(4)).not.toEqual(a);
}, 120_000);

test("load refuses a model.json that is not a GRU autoencoder (an LSTM one) and a unit count that does not match", async () => {
  const lstm = new LstmAutoencoder({ width: 7, units: 4 });
  await lstm.fit(gaussianBatch(200, 7, 1), { seed: 1, epochs: 1 });
  const saved = await lstm.save();
  lstm.dispose();
  const files = new Map(saved.files.map((f) => [f.path, f.data]));
  await expect(GruAutoencoder.load({ width: 7, units: 4 }, files)).rejects.toThrow(/not a GRU autoencoder/);
  const gru = new GruAutoencoder({ width: 7, units: 4 });
  await gru.fit(gaussianBatch(200, 7, 1), { seed: 1, epochs: 1 });
  const own = new Map((await gru.save()).files.map((f) => [f.path, f.data]));
  gru.dispose();
  await expect(GruAutoencoder.load({ width: 7, units: 5 }, own)).rejects.toThrow(/4 units, the manifest 5/);
  await expect(GruAutoencoder.load({ width: 9, units: 4 }, own)).rejects.toThrow(/not a GRU autoencoder over 8 steps/);
}, 120_000);
