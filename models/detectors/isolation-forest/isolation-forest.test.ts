import { describe, expect, test } from "bun:test";
import { WindowShapeError, type WindowBatch } from "../../detector.ts";
import { averagePathLength, leafPathLengths, type ForestArrays } from "./iforest-arrays.ts";
import { buildForest } from "./iforest-build.ts";
import { compileForest, scoreForest } from "./iforest-score.ts";
import { IsolationForest, TREES_FILE } from "./isolation-forest.ts";
import { createRng } from "../../../data/random.ts";
import { gaussianBatch } from "../testing/test-data.ts";

const WINDOW = 32;
const EXTRA = 1;
const WIDTH = WINDOW + EXTRA;
const train = gaussianBatch(2000, WIDTH, 1);

async function fitted(seed = 7, opts: { nTrees?: number; sampleSize?: number } = {}): Promise<IsolationForest> {
  const det = new IsolationForest({ window: WINDOW, extra: EXTRA, ...opts });
  await det.fit(train, { seed });
  return det;
}

/** Plain per-row reference walk of the stored node table. */
function naiveScore(f: ForestArrays, psi: number, batch: WindowBatch): Float32Array {
  const leaf = leafPathLengths(f);
  const out = new Float32Array(batch.n);
  for (let r = 0; r < batch.n; r++) {
    let h = 0;
    for (const root of f.roots) {
      let node = root;
      while (f.feature[node] >= 0) {
        node = batch.data[r * batch.width + f.feature[node]] < f.threshold[node] ? f.left[node] : f.right[node];
      }
      h += leaf[node];
    }
    out[r] = 2 ** (-h / f.roots.length / averagePathLength(psi));
  }
  return out;
}

describe("IsolationForest", () => {
  test("scores an obvious outlier clearly above every inlier", async () => {
    const det = await fitted();
    const batch = gaussianBatch(301, WIDTH, 2);
    batch.data.fill(6, 300 * WIDTH);
    const s = await det.scoreRaw(batch);
    const inliers = Array.from(s.subarray(0, 300));
    const mean = inliers.reduce((a, b) => a + b, 0) / inliers.length;
    expect(mean).toBeLessThan(0.5);
    expect(s[300]).toBeGreaterThan(0.65);
    expect(s[300]).toBeGreaterThan(Math.max(...inliers) + 0.1);
  });

  test("the same seed grows identical trees; another seed does not", async () => {
    const a = await (await fitted(3)).save();
    const b = await (await fitted(3)).save();
    const c = await (await fitted(4)).save();
    expect(b.files[0].data).toEqual(a.files[0].data);
    expect(c.files[0].data).not.toEqual(a.files[0].data);
  });

  test("save → load gives identical scores (Map or list of files)", async () => {
    const det = await fitted();
    const probe = gaussianBatch(257, WIDTH, 5);
    const want = await det.scoreRaw(probe);
    const { params, files } = await det.save();
    const json = JSON.parse(JSON.stringify(params));
    const fromList = await IsolationForest.load(json, files);
    const fromMap = await IsolationForest.load(json, new Map(files.map((f) => [f.path, f.data])));
    expect(await fromList.scoreRaw(probe)).toEqual(want);
    expect(await fromMap.scoreRaw(probe)).toEqual(want);
  });

  test("load rejects missing, truncated or corrupt trees and unknown params", async () => {
    const { params, files } = await (await fitted()).save();
    const data = files[0].data;
    await expect(IsolationForest.load(params, [])).rejects.toThrow(/lacks trees.bin/);
    await expect(IsolationForest.load(params, [{ path: TREES_FILE, data: data.slice(4) }])).rejects.toThrow(/bytes/);
    const bad = data.slice();
    new DataView(bad.buffer).setInt32(0, 99, true); // root's feature beyond the width
    await expect(IsolationForest.load(params, [{ path: TREES_FILE, data: bad }])).rejects.toThrow(/corrupt/);
    await expect(IsolationForest.load({ ...params, surprise: 1 }, files)).rejects.toThrow();
  });

  test("the lock-step kernel agrees with a naive per-row walk", async () => {
    const rng = createRng(9);
    const f = buildForest(train.data, train.n, WIDTH, { nTrees: 22, sampleSize: 64, rng });
    const probe = gaussianBatch(131, WIDTH, 6); // 128-row lock-step block + 3 single-row walks; 22 trees = 5×4 + 2
    const got = scoreForest(compileForest(f, 64), probe.data, probe.n, WIDTH, new Float32Array(probe.n));
    const want = naiveScore(f, 64, probe);
    for (let i = 0; i < probe.n; i++) expect(got[i]).toBeCloseTo(want[i], 6);
  });

  test("leaves never sit deeper than ceil(log2 ψ)", () => {
    const f = buildForest(train.data, train.n, WIDTH, { nTrees: 30, sampleSize: 100, rng: createRng(1) });
    for (const d of compileForest(f, 100).treeDepth) expect(d).toBeLessThanOrEqual(7);
  });

  test("wrong width, non-finite values, too few rows and unfitted use are rejected", async () => {
    const det = await fitted(1, { nTrees: 5 });
    await expect(det.scoreRaw(gaussianBatch(3, WIDTH + 1, 1))).rejects.toBeInstanceOf(WindowShapeError);
    await expect(det.fit(gaussianBatch(3, WIDTH - 1, 1))).rejects.toBeInstanceOf(WindowShapeError);
    const nan = gaussianBatch(2, WIDTH, 1);
    nan.data[40] = Number.NaN;
    await expect(det.scoreRaw(nan)).rejects.toBeInstanceOf(WindowShapeError);
    await expect(det.fit(gaussianBatch(1, WIDTH, 1))).rejects.toBeInstanceOf(WindowShapeError);
    const fresh = new IsolationForest({ window: WINDOW, extra: EXTRA });
    await expect(fresh.scoreRaw(gaussianBatch(1, WIDTH, 1))).rejects.toThrow(/before fit/);
    expect(() => new IsolationForest({ window: 0, extra: 1 })).toThrow(RangeError);
  });

  test("small or constant training sets still give finite scores", async () => {
    const det = new IsolationForest({ window: 4, extra: 0, nTrees: 10 });
    await det.fit({ data: new Float32Array(4 * 5).fill(1), n: 5, width: 4 }, { seed: 1 });
    const s = await det.scoreRaw(gaussianBatch(3, 4, 1));
    for (const v of s) expect(Number.isFinite(v) && v > 0 && v <= 1).toBe(true);
    expect((await det.save()).params.psi).toBe(5);
  });

  test("throughput sanity (width 33, 100 trees)", async () => {
    const det = await fitted();
    const batch = gaussianBatch(50_000, WIDTH, 8);
    const out = new Float32Array(batch.n);
    det.scoreInto(batch, out); // warm-up
    const t0 = performance.now();
    det.scoreInto(batch, out);
    const rate = batch.n / ((performance.now() - t0) / 1000);
    console.log(`isolation-forest: ${Math.round(rate).toLocaleString("en")} rows/s`);
    expect(rate).toBeGreaterThan(50_000); // loose: shared CI machines
  });
});
