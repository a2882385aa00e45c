import { expect, test } from "bun:test";
import { DenseAutoencoder } from "./autoencoder.ts";
import { LstmAutoencoder } from "../lstm-autoencoder/lstm-autoencoder.ts";
import { WindowShapeError } from "../../detector.ts";
import { createRng } from "../../../data/random.ts";

function gaussianRows(n: number, width: number, seed: number): Float32Array {
  const rnd = createRng(seed).next;
  const out = new Float32Array(n * width);
  for (let r = 0; r < n; r++) {
    const phase = rnd() * 6.28;
    for (let i = 0; i < width; i++) out[r * width + i] = 3 * Math.sin(phase + i / 4) + (rnd() - 0.5) * 0.5;
  }
  return out;
}

for (const [name, make, epochs] of [
  ["dense", (w: number) => new DenseAutoencoder({ width: w }), 8],
  ["lstm", (w: number) => new LstmAutoencoder({ width: w, units: 8 }), 2],
] as const) {
  test(`${name} autoencoder scores an anomalous window above normal ones, and survives save/load`, async () => {
    const width = 17;
    const n = name === "dense" ? 4000 : 600;
    const det = make(width);
    await det.fit({ data: gaussianRows(n, width, 1), n, width }, { seed: 3, epochs });
    const test = gaussianRows(50, width, 2);
    for (let i = 0; i < width; i++) test[i] = i % 2 === 0 ? 12 : -12; // row 0: nothing like training
    const raw = await det.scoreRaw({ data: test, n: 50, width });
    const normal = Array.from(raw.slice(1)).sort((a, b) => a - b);
    expect(raw[0]).toBeGreaterThan(normal[normal.length - 1] * 2);
    const saved = await det.save();
    const files = new Map(saved.files.map((f) => [f.path, f.data]));
    const back = name === "dense" ? await DenseAutoencoder.load(saved.params, files) : await LstmAutoencoder.load(saved.params, files);
    const again = await back.scoreRaw({ data: test, n: 50, width });
    for (let i = 0; i < 50; i++) expect(again[i]).toBeCloseTo(raw[i], 4);
    expect(back.scoreRaw({ data: test, n: 25, width: 34 })).rejects.toBeInstanceOf(WindowShapeError);
    det.dispose();
    back.dispose();
  }, 120_000);
}

test("the plain-TypeScript pass scores the same as the tfjs path", async () => {
  const width = 33;
  const det = new DenseAutoencoder({ width });
  await det.fit({ data: gaussianRows(2000, width, 5), n: 2000, width }, { seed: 1, epochs: 2 });
  const rows = gaussianRows(40, width, 6);
  const small = det.scoreJs({ data: rows, n: 40, width });
  const viaTf = det.scoreTf({ data: rows, n: 40, width });
  for (let i = 0; i < 40; i++) expect(small[i]).toBeCloseTo(viaTf[i], 4);
  det.dispose();
});
