import { describe, expect, test } from "bun:test";
import { forwardFill } from "./windows.ts";

describe("forwardFill", () => {
  test("fills gaps with the last finite value, leading gaps with the first", () => {
    expect(Array.from(forwardFill(new Float64Array([NaN, NaN, 2, NaN, 3, NaN, NaN])))).toEqual([2, 2, 2, 2, 3, 3, 3]);
  });
  test("treats infinities as gaps and leaves the input alone", () => {
    const input = new Float64Array([1, Infinity, NaN]);
    expect(Array.from(forwardFill(input))).toEqual([1, 1, 1]);
    expect(input[1]).toBe(Infinity);
  });
  test("all-missing and empty series", () => {
    expect(Array.from(forwardFill(new Float64Array([NaN, NaN])))).toEqual([0, 0]);
    expect(forwardFill(new Float64Array(0)).length).toBe(0);
  });
});
