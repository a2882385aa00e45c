import { expect, test } from "bun:test";
import { LOF_FILE, LocalOutlierFactor } from "./lof.ts";
import { WindowShapeError } from "../../detector.ts";
import { gaussianBatch } from "../testing/test-data.ts";

test("the reference set is a seeded sample capped at `reference`; the same seed gives the same model", async () => {
  const train = gaussianBatch(3000, 9, 1);
  const a = new LocalOutlierFactor({ width: 9, k: 5, reference: 500 });
  const b = new LocalOutlierFactor({ width: 9, k: 5, reference: 500 });
  const c = new LocalOutlierFactor({ width: 9, k: 5, reference: 500 });
  await a.fit(train, { seed: 4 });
  await b.fit(train, { seed: 4 });
  await c.fit(train, { seed: 5 });
  expect(a.referenceRows).toBe(500);
  const [fa, fb, fc] = [await a.save(), await b.save(), await c.save()];
  expect(fa.files[0].data.byteLength).toBe(4 * 500 * (9 + 2));
  expect(fa.files[0].data).toEqual(fb.files[0].data);
  expect(fa.files[0].data).not.toEqual(fc.files[0].data);
  const probe = gaussianBatch(20, 9, 2);
  const into = new Float32Array(25).fill(-1);
  a.scoreInto(probe, into);
  expect(Array.from(into.subarray(0, 20))).toEqual(Array.from(await a.scoreRaw(probe)));
  expect(into[20]).toBe(-1);
});

test("fit and score refuse non-finite windows and too little data with a WindowShapeError", async () => {
  const det = new LocalOutlierFactor({ width: 4 });
  const bad = gaussianBatch(10, 4, 1);
  bad.data[7] = Number.NaN;
  await expect(det.fit(bad)).rejects.toBeInstanceOf(WindowShapeError);
  await expect(det.fit(gaussianBatch(1, 4, 1))).rejects.toBeInstanceOf(WindowShapeError);
  await det.fit(gaussianBatch(50, 4, 1));
  await expect(det.scoreRaw(bad)).rejects.toBeInstanceOf(WindowShapeError);
  expect(() => new LocalOutlierFactor({ width: 4, k: 0 })).toThrow(RangeError);
});

test("load refuses a missing, truncated or corrupt lof.bin and params that do not fit it", async () => {
  const det = new LocalOutlierFactor({ width: 5, k: 3, reference: 100 });
  await det.fit(gaussianBatch(200, 5, 1), { seed: 1 });
  const { params, files } = await det.save();
  const bytes = files[0].data;
  const load = (p: Record<string, unknown>, data?: Uint8Array) => LocalOutlierFactor.load(p, data ? [{ path: LOF_FILE, data }] : []);
  await expect(load(params)).rejects.toThrow(/lacks lof.bin/);
  await expect(load(params, bytes.subarray(0, bytes.length - 4))).rejects.toThrow(/bytes, expected/);
  await expect(load({ ...params, rows: 101 }, bytes)).rejects.toThrow(/above the cap/);
  await expect(load({ ...params, extra: 1 }, bytes)).rejects.toThrow();
  const nan = bytes.slice();
  new DataView(nan.buffer).setFloat32(bytes.length - 4, Number.NaN, true); // the last density
  await expect(load(params, nan)).rejects.toThrow(/corrupt lof.bin/);
  const negative = bytes.slice();
  new DataView(negative.buffer).setFloat32(4 * 100 * 5, -1, true); // the first k-distance
  await expect(load(params, negative)).rejects.toThrow(/corrupt lof.bin/);
  const back = await load(params, bytes);
  const probe = gaussianBatch(10, 5, 3);
  expect(await back.scoreRaw(probe)).toEqual(await det.scoreRaw(probe));
});
