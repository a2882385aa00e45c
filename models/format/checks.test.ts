import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { isAbsolute, join, normalize } from "node:path";
import { defaultFeatureSpec, featureNames, featureWidth } from "../features/spec.ts";
import { BUNDLE_PATH_LIMITS, bundlePathProblem, manifestProblems } from "./checks.ts";
import type { Manifest } from "./manifest.ts";

const spec = defaultFeatureSpec(32);
const manifest = (over: Partial<Manifest> = {}): Manifest => ({
  format: "agent-model-bundle",
  manifest_version: 1,
  name: "m",
  version: "1",
  created_at: "t",
  agent_version: "0.1.0",
  detector: { kind: "robust-zscore", params: {} },
  window: 32,
  features: { ...spec, width: featureWidth(spec), names: featureNames(spec) },
  scaler: { center: "window_median", scale: "ewma_abs_diff", counters: "auto_rate" },
  threshold: { score: 0.5, raw: 1, quantile: 0.99 },
  training: { series: 1, windows: 1, fit_seconds: 0, metrics: {} },
  files: [{ path: "stats.json", sha256: "0".repeat(64), bytes: 1 }],
  ...over,
});
const withPaths = (...paths: string[]) => manifest({ files: paths.map((path) => ({ path, sha256: "0".repeat(64), bytes: 1 })) });

describe("bundle manifest checks (agent load and registry upload)", () => {
  test("plain bundles pass: flat files and ensemble members", () => {
    expect(manifestProblems(withPaths("model.json", "weights.bin", "members/0/model.json", "members/1/trees.bin"))).toEqual([]);
  });

  test("paths an agent cannot install to exactly one file are refused, each with a one-line reason", () => {
    const bad = [
      "./manifest.json",
      "manifest.json",
      "MANIFEST.JSON",
      "manifest.json/a",
      "a\u0000b",
      "dir/",
      "/etc/passwd",
      "../x",
      "a//b",
      "a/./b",
      ".hidden",
      "-rf",
      "a\nb",
      "a\u001b[2Jb",
      Array.from({ length: 2000 }, () => "d").join("/"),
      "x".repeat(300),
      `${"y".repeat(101)}/z`,
    ];
    for (const p of bad) {
      const problems = manifestProblems(withPaths(p));
      expect(problems.length).toBeGreaterThan(0);
      // eslint-disable-next-line no-control-regex
      for (const line of problems) expect(line).not.toMatch(/[\u0000-\u001f]/);
    }
  });

  test("colliding paths: twins differing in case, a file that is also a directory", () => {
    expect(manifestProblems(withPaths("a.bin", "A.bin")).join()).toContain("collide");
    expect(manifestProblems(withPaths("members", "members/0/model.json")).join()).toContain("is also the directory of");
  });

  test("feature spec must agree with itself: window, width and names", () => {
    expect(manifestProblems(manifest({ window: 16 }))).toEqual(["window 16 differs from features.window 32"]);
    expect(manifestProblems(manifest({ features: { ...manifest().features, width: 40 } })).join()).toContain("features.width 40");
    expect(manifestProblems(manifest({ features: { ...manifest().features, names: ["a", "b"] } })).join()).toContain("features.names");
  });

  test("property: an accepted path stays inside the bundle, is normalized, printable and not the manifest", () => {
    const root = "/bundle";
    const segment = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(".", "..", "", "manifest.json", "a", "\u0000", "x\u0085", "é"));
    const path = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.array(segment, { minLength: 1, maxLength: 12 }).map((s) => s.join("/")),
    );
    fc.assert(
      fc.property(path, (p) => {
        const problem = bundlePathProblem(p);
        if (problem !== undefined) {
          expect(problem).not.toContain("\n");
          return;
        }
        expect(isAbsolute(p)).toBe(false);
        expect(normalize(p)).toBe(p);
        expect(join(root, p).startsWith(`${root}/`)).toBe(true);
        expect(p.split("/").length).toBeLessThanOrEqual(BUNDLE_PATH_LIMITS.maxDepth);
        expect(p).toMatch(/^[A-Za-z0-9._/-]+$/);
        if (p.toLowerCase() === "manifest.json") expect(manifestProblems(withPaths(p)).length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});
