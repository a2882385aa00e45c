import { describe, expect, test } from "bun:test";
import { anyBuckets, bucketPath, minMaxBuckets } from "./downsample.ts";

describe("downsampling", () => {
  test("keeps min and max per bucket and marks gaps", () => {
    const b = minMaxBuckets(Float64Array.of(1, 5, 2, Number.NaN), 2);
    expect([...b.min]).toEqual([1, 2]);
    expect([...b.max]).toEqual([5, 2]);
    expect([...b.gap]).toEqual([0, 1]);
  });

  test("a spike survives 1000:1 downsampling", () => {
    const v = new Float64Array(100_000);
    v[54_321] = 9;
    const b = minMaxBuckets(v, 100);
    expect(Math.max(...b.max)).toBe(9);
    expect(b.count).toBe(100);
  });

  test("never makes more buckets than points", () => {
    expect(minMaxBuckets(Float64Array.of(1, 2, 3), 500).count).toBe(3);
    expect(anyBuckets(Uint8Array.of(0, 1, 0, 0), 2)).toEqual(Uint8Array.of(1, 0));
  });

  test("paths break at missing values", () => {
    const b = minMaxBuckets(Float64Array.of(1, 2, Number.NaN, 3, 4), 5);
    const d = bucketPath(
      b,
      (i) => i,
      (v) => v,
    );
    expect(d).toBe("M0.0,1.0L1.0,2.0M3.0,3.0L4.0,4.0");
  });
});
