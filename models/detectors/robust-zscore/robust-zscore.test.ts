import { describe, expect, test } from "bun:test";
import { WindowShapeError } from "../../detector.ts";
import { ROBUST_Z_METHODS, RobustZScore } from "./robust-zscore.ts";
import { gaussianBatch } from "../testing/test-data.ts";

const WINDOW = 32;
const WIDTH = WINDOW + 1;
const train = gaussianBatch(5000, WIDTH, 1);

async function fitted(method: (typeof ROBUST_Z_METHODS)[number] = "mad"): Promise<RobustZScore> {
  const det = new RobustZScore({ window: WINDOW, extra: 1, method });
  await det.fit(train);
  return det;
}

function medianOf(xs: ArrayLike<number>): number {
  const s = Array.from(xs).sort((a, b) => a - b);
  return s[s.length >> 1];
}

describe("RobustZScore", () => {
  for (const method of ROBUST_Z_METHODS) {
    test(`${method}: a spike on the newest value scores high, clean windows low`, async () => {
      const det = await fitted(method);
      const batch = gaussianBatch(200, WIDTH, 2);
      const clean = await det.scoreRaw(batch);
      for (let r = 0; r < batch.n; r++) batch.data[r * WIDTH + WINDOW - 1] = 8;
      const spiked = await det.scoreRaw(batch);
      expect(medianOf(clean)).toBeLessThan(1.5);
      expect(medianOf(spiked)).toBeGreaterThan(5);
    });
  }

  test("mad: matches a sort-based median/MAD reference", async () => {
    const det = await fitted("mad");
    const batch = gaussianBatch(50, WIDTH, 3);
    const got = await det.scoreRaw(batch);
    for (let r = 0; r < batch.n; r++) {
      const ref = Array.from(batch.data.subarray(r * WIDTH, r * WIDTH + WINDOW - 1));
      const med = medianOf(ref); // 31 values: odd count, so the middle one
      const mad = medianOf(ref.map((x) => Math.abs(x - med)));
      const want = Math.abs(batch.data[r * WIDTH + WINDOW - 1] - med) / Math.max(1.4826 * mad, det.floors.mad);
      expect(got[r]).toBeCloseTo(want, 4);
    }
  });

  test("mad: an outlier among the reference values barely moves the score", async () => {
    const det = await fitted("mad");
    const batch = gaussianBatch(1, WIDTH, 4);
    const before = (await det.scoreRaw(batch))[0];
    batch.data[3] = 50;
    expect(Math.abs((await det.scoreRaw(batch))[0] - before)).toBeLessThan(0.5);
  });

  test("constant windows (MAD = 0) give finite scores", async () => {
    for (const method of ROBUST_Z_METHODS) {
      const det = await fitted(method);
      const batch = { data: new Float32Array(2 * WIDTH).fill(1), n: 2, width: WIDTH };
      batch.data[WIDTH + WINDOW - 1] = 3; // second row: spike on a flat line
      const [flat, spike] = await det.scoreRaw(batch);
      expect(flat).toBe(0);
      expect(Number.isFinite(spike) && spike > 5).toBe(true);
    }
  });

  test("fit sets the floor from the training spread and ignores extra features", async () => {
    const det = await fitted("max");
    expect(det.floors.mad).toBeGreaterThan(0.05);
    expect(det.floors.mad).toBeLessThan(0.15);
    expect(det.floors.ewma).toBeGreaterThan(0.05);
    const flatTrain = { data: new Float32Array(10 * WIDTH), n: 10, width: WIDTH };
    const flatDet = new RobustZScore({ window: WINDOW, extra: 1 });
    await flatDet.fit(flatTrain);
    expect(flatDet.floors.mad).toBe(1e-3);
    const batch = gaussianBatch(5, WIDTH, 5);
    const a = await det.scoreRaw(batch);
    for (let r = 0; r < 5; r++) batch.data[r * WIDTH + WINDOW] = 100;
    expect(await det.scoreRaw(batch)).toEqual(a);
  });

  test("save → load gives identical scores; bad params are rejected", async () => {
    const det = await fitted("max");
    const { params, files } = await det.save();
    expect(files).toEqual([]);
    const loaded = await RobustZScore.load(JSON.parse(JSON.stringify(params)), new Map());
    const batch = gaussianBatch(100, WIDTH, 6);
    expect(await loaded.scoreRaw(batch)).toEqual(await det.scoreRaw(batch));
    await expect(RobustZScore.load({ ...params, method: "mean" })).rejects.toThrow();
    await expect(RobustZScore.load({ ...params, extraKey: 1 })).rejects.toThrow();
    expect(() => new RobustZScore({ window: 2, extra: 0 })).toThrow();
  });

  test("wrong width or non-finite values throw WindowShapeError", async () => {
    const det = await fitted();
    await expect(det.scoreRaw(gaussianBatch(2, WIDTH + 1, 1))).rejects.toBeInstanceOf(WindowShapeError);
    const bad = gaussianBatch(2, WIDTH, 1);
    bad.data[5] = Number.POSITIVE_INFINITY;
    await expect(det.scoreRaw(bad)).rejects.toBeInstanceOf(WindowShapeError);
    await expect(det.fit(gaussianBatch(0, WIDTH, 1))).rejects.toBeInstanceOf(WindowShapeError);
  });

  test("throughput sanity (window 32)", async () => {
    const batch = gaussianBatch(50_000, WIDTH, 7);
    const out = new Float32Array(batch.n);
    for (const method of ROBUST_Z_METHODS) {
      const det = await fitted(method);
      det.scoreInto(batch, out); // warm-up
      const t0 = performance.now();
      det.scoreInto(batch, out);
      const rate = batch.n / ((performance.now() - t0) / 1000);
      console.log(`robust-zscore ${method}: ${Math.round(rate).toLocaleString("en")} rows/s`);
      expect(rate).toBeGreaterThan(50_000);
    }
  });
});
