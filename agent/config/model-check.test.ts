import { expect, test } from "bun:test";
import { defaultFeatureSpec, featureNames } from "../../models/features/spec.ts";
import type { Manifest } from "../../models/format/manifest.ts";
import { manifestFeatureProblems } from "./model-check.ts";

function manifest(window: number, features: Partial<Manifest["features"]> = {}): Manifest {
  const spec = defaultFeatureSpec(window);
  return { window, features: { ...spec, width: window + 1, names: featureNames(spec), ...features } } as Manifest;
}

test("a manifest written by this agent fits", () => {
  expect(manifestFeatureProblems(manifest(32))).toEqual([]);
  expect(manifestFeatureProblems(manifest(48))).toEqual([]);
});

test("a different width, window or feature names do not", () => {
  expect(manifestFeatureProblems(manifest(32, { width: 32 }))).toEqual(["bundle expects 32 features per row, but this agent builds 33 (window 32 + spread)"]);
  expect(manifestFeatureProblems(manifest(32, { window: 16 }))[0]).toBe("bundle features use window 16 but the model declares window 32");
  expect(manifestFeatureProblems(manifest(32, { names: ["value[32]", "spread"] }))[0]).toContain("feature names");
});
