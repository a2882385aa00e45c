import { expect, test } from "bun:test";
import { CALIBRATED_THRESHOLD, calibrate, calibrateThreshold } from "./calibration.ts";

test("threshold is the requested quantile of training scores", () => {
  const raw = Float32Array.from({ length: 1000 }, (_, i) => i + 1);
  expect(calibrateThreshold(raw, 0.99)).toBe(990);
  expect(calibrateThreshold(raw, 1)).toBe(1000);
});

test("calibrated score is 0.5 exactly at the threshold and monotone in [0,1)", () => {
  const s = calibrate(Float32Array.from([0, 5, 10, 20, 1e9]), 10);
  expect(s[2]).toBeCloseTo(CALIBRATED_THRESHOLD, 6);
  for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
  expect(s[4]).toBeLessThanOrEqual(1);
  expect(s[0]).toBe(0);
});

test("calibration refuses an all-NaN training set", () => {
  expect(() => calibrateThreshold(Float32Array.from([NaN, NaN]))).toThrow(/zero finite/);
});
