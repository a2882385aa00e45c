import { expect, test } from "bun:test";
import { countNonFinite, finiteScores, NON_FINITE_SCORE } from "./finite-scores.ts";

test("non-finite scores become NON_FINITE_SCORE and are counted; finite ones pass untouched", () => {
  const counted: [string, string, number][] = [];
  const telemetry = { error: (c: string, t: string, n = 1) => void counted.push([c, t, n]) };
  const clean = Float32Array.of(0, 0.5, 0.99);
  expect(finiteScores(clean, telemetry)).toBe(clean);
  expect(Array.from(finiteScores(Float32Array.of(0.25, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY), telemetry))).toEqual([
    0.25,
    NON_FINITE_SCORE,
    1,
    1,
  ]);
  expect(counted).toEqual([["scorer", "non_finite_score", 3]]);
  expect(countNonFinite(Float32Array.of(Number.NaN, 1))).toBe(1);
});
