import { expect, test } from "bun:test";
import type { Detector, WindowBatch } from "../../detector.ts";
import { DenseAutoencoder } from "../autoencoder/autoencoder.ts";
import { createDetector } from "../catalog.ts";
import { GruAutoencoder } from "../gru-autoencoder/gru-autoencoder.ts";
import { LstmAutoencoder } from "../lstm-autoencoder/lstm-autoencoder.ts";
import { gaussianBatch } from "../testing/test-data.ts";
import { VariationalAutoencoder } from "../vae/vae.ts";
import { scoresWithTfjs, TFJS_MIN_ROWS, type TwoPathKind } from "./score-path.ts";

/** Both forward passes of a detector with two, whatever each class calls them. */
function passes(det: Detector): { plain: (b: WindowBatch) => Promise<Float32Array>; tfjs: (b: WindowBatch) => Promise<Float32Array> } {
  if (det instanceof DenseAutoencoder || det instanceof VariationalAutoencoder)
    return { plain: async (b) => det.scoreJs(b), tfjs: async (b) => det.scoreTf(b) };
  if (det instanceof LstmAutoencoder || det instanceof GruAutoencoder) return { plain: (b) => det.scoreWith(b, "js"), tfjs: (b) => det.scoreWith(b, "tfjs") };
  throw new Error(`no two paths for ${det.kind}`);
}

const rowsOf = (b: WindowBatch, n: number): WindowBatch => ({ data: b.data.subarray(0, n * b.width), n, width: b.width });

test("the switch is at TFJS_MIN_ROWS: below it plain TypeScript, from it tfjs", () => {
  for (const kind of Object.keys(TFJS_MIN_ROWS) as TwoPathKind[]) {
    const min = TFJS_MIN_ROWS[kind];
    expect(min).toBeGreaterThanOrEqual(1);
    expect(scoresWithTfjs(kind, min - 1)).toBe(false);
    expect(scoresWithTfjs(kind, min)).toBe(true);
  }
});

for (const kind of Object.keys(TFJS_MIN_ROWS) as TwoPathKind[]) {
  test(`${kind}: plain TypeScript and tfjs give the same scores, and scoreRaw takes the path the table says`, async () => {
    const width = 13;
    const det = createDetector(kind, width, 6);
    await det.fit(gaussianBatch(400, width, 1), { seed: 2, epochs: 1 });
    const min = TFJS_MIN_ROWS[kind];
    const batch = gaussianBatch(Math.max(min, 300), width, 3);
    for (let i = 0; i < width; i++) batch.data[i] = i % 2 === 0 ? 9 : -9; // an outlier row: a large score agrees too
    const { plain, tfjs } = passes(det);
    const [p, t] = [await plain(batch), await tfjs(batch)];
    for (let r = 0; r < batch.n; r++) expect(Math.abs(p[r] - t[r])).toBeLessThanOrEqual(1e-4 * Math.max(1, p[r]));
    expect(p[0]).toBeGreaterThan(Math.max(...p.subarray(1)));
    const below = rowsOf(batch, min - 1);
    const at = rowsOf(batch, min);
    if (below.n > 0) expect(await det.scoreRaw(below)).toEqual(await plain(below));
    expect(await det.scoreRaw(at)).toEqual(await tfjs(at));
    det.dispose();
  }, 120_000);
}
