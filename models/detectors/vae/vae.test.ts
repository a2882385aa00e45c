import { expect, test } from "bun:test";
import { VAE_FILE, VAE_TF_MIN_ROWS, VariationalAutoencoder } from "./vae.ts";
import { WindowShapeError } from "../../detector.ts";
import { gaussianBatch } from "../testing/test-data.ts";
import { createRng } from "../../../data/random.ts";

/** Windows of a noisy sine with a random phase: structure a VAE can learn. */
function sineRows(n: number, width: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n * width);
  for (let r = 0; r < n; r++) {
    const phase = rng.uniform(0, 6.28);
    for (let i = 0; i < width; i++) out[r * width + i] = 3 * Math.sin(phase + i / 4) + rng.uniform(-0.25, 0.25);
  }
  return out;
}

test("learns normal windows: an unlike window scores far above them; the tfjs and plain paths agree", async () => {
  const width = 17;
  {
    const det = new VariationalAutoencoder({ width });
    await det.fit({ data: sineRows(2000, width, 1), n: 2000, width }, { seed: 3, epochs: 12 });
    const rows = sineRows(200, width, 2);
    for (let i = 0; i < width; i++) rows[i] = i % 2 === 0 ? 9 : -9;
    const batch = { data: rows, n: 200, width };
    expect(batch.n).toBeGreaterThanOrEqual(VAE_TF_MIN_ROWS);
    const tfScores = det.scoreTf(batch);
    const js = det.scoreJs(batch);
    for (let r = 0; r < batch.n; r++) expect(Math.abs(tfScores[r] - js[r])).toBeLessThanOrEqual(1e-4 * Math.max(1, js[r]));
    const normal = Array.from(js.subarray(1)).sort((a, b) => a - b);
    expect(js[0]).toBeGreaterThan(normal[Math.floor(normal.length * 0.99)] * 3);
    expect(normal[Math.floor(normal.length / 2)]).toBeLessThan(0.5); // reconstructs (variance of a row ≈ 4.5)
    det.dispose();
  }
}, 120_000);

test("the same seed trains the same weights; the KL weight adds to the score (tfjs and plain paths agree on it)", async () => {
  const train = gaussianBatch(600, 9, 1);
  const fit = async (seed: number, scoreKl = 0) => {
    const det = new VariationalAutoencoder({ width: 9, hidden: 8, latent: 3, scoreKl });
    await det.fit(train, { seed, epochs: 2 });
    return det;
  };
  const [a, b, c, kl] = [await fit(5), await fit(5), await fit(6), await fit(5, 2)];
  const bytes = async (d: VariationalAutoencoder) => (await d.save()).files[0].data;
  expect(await bytes(b)).toEqual(await bytes(a));
  expect(await bytes(c)).not.toEqual(await bytes(a));
  expect(await bytes(kl)).toEqual(await bytes(a));
  const probe = gaussianBatch(10, 9, 2);
  const [plain, withKl] = [await a.scoreRaw(probe), await kl.scoreRaw(probe)];
  for (let r = 0; r < 10; r++) expect(withKl[r]).toBeGreaterThan(plain[r]);
  const big = gaussianBatch(VAE_TF_MIN_ROWS, 9, 3);
  const [viaTf, viaJs] = [kl.scoreTf(big), kl.scoreJs(big)];
  for (let r = 0; r < big.n; r++) expect(Math.abs(viaTf[r] - viaJs[r])).toBeLessThanOrEqual(1e-4 * Math.max(1, viaJs[r]));
});

test("fit refuses non-finite windows; load refuses a missing, truncated or non-finite vae.bin and unknown params", async () => {
  const det = new VariationalAutoencoder({ width: 6, hidden: 4, latent: 2 });
  const bad = gaussianBatch(50, 6, 1);
  bad.data[3] = Number.POSITIVE_INFINITY;
  await expect(det.fit(bad)).rejects.toBeInstanceOf(WindowShapeError);
  await det.fit(gaussianBatch(300, 6, 1), { seed: 1, epochs: 1 });
  const { params, files } = await det.save();
  const bytes = files[0].data;
  const load = (p: Record<string, unknown>, data?: Uint8Array) => VariationalAutoencoder.load(p, data ? [{ path: VAE_FILE, data }] : []);
  await expect(load(params)).rejects.toThrow(/lacks vae.bin/);
  await expect(load(params, bytes.subarray(4))).rejects.toThrow(/bytes, expected/);
  await expect(load({ ...params, hidden: 5 }, bytes)).rejects.toThrow(/bytes, expected/);
  await expect(load({ ...params, activation: "tanh" }, bytes)).rejects.toThrow();
  const nan = bytes.slice();
  new DataView(nan.buffer).setFloat32(8, Number.NaN, true);
  await expect(load(params, nan)).rejects.toThrow(/w1 holds a non-finite weight/);
  const back = await load(params, bytes);
  const probe = gaussianBatch(5, 6, 2);
  expect(await back.scoreRaw(probe)).toEqual(await det.scoreRaw(probe));
});
