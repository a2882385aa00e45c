import { describe, expect, test } from "bun:test";
import { WindowShapeError } from "../../detector.ts";
import { assertFinite } from "./batch-checks.ts";

describe("assertFinite", () => {
  test("accepts finite data", () => {
    expect(() => assertFinite({ data: new Float32Array([1, -2, 0]), n: 1, width: 3 }, "t")).not.toThrow();
  });

  test("names the row and column of NaN / Infinity", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const data = new Float32Array([0, 0, 0, bad]);
      expect(() => assertFinite({ data, n: 2, width: 2 }, "t")).toThrow(WindowShapeError);
      expect(() => assertFinite({ data, n: 2, width: 2 }, "t")).toThrow(/window 1 .* column 1/);
    }
  });
});
