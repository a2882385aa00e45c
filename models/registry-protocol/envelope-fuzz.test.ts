/**
 * Property-based fuzzing of the manifest/envelope parser the agent runs on every download: any
 * JSON (and any mutation of a valid envelope, hostile file paths included) either unpacks into
 * a bundle whose every file path is a safe relative path, or throws an EnvelopeError — nothing else.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { resolve, sep } from "node:path";
import { sha256Hex } from "../format/bundle.ts";
import { EnvelopeError, packBundle, unpackEnvelope } from "./envelope.ts";
import { bundlePathProblem } from "./safe-path.ts";

const enc = new TextEncoder();

function envelope(paths: string[]): Record<string, unknown> {
  const files = new Map(paths.map((p, i) => [p, enc.encode(`file ${i}`)]));
  const manifest = {
    format: "agent-model-bundle",
    manifest_version: 1,
    name: "host-ae",
    version: "7",
    created_at: "2026-01-01T00:00:00Z",
    agent_version: "0.1.0",
    detector: { kind: "robust-zscore", params: {} },
    window: 8,
    features: { window: 8, scale_half_life: 240, spread_weight: 4, auto_rate: true, clip: 50, width: 9, names: ["value_z[8]", "log_spread_ratio"] },
    scaler: { center: "window_median", scale: "ewma_abs_diff", counters: "auto_rate" },
    threshold: { score: 0.5, raw: 1, quantile: 0.99 },
    training: { series: 1, windows: 1, fit_seconds: 0, metrics: {} },
    files: [...files].map(([path, d]) => ({ path, sha256: sha256Hex(d), bytes: d.byteLength })),
  };
  return JSON.parse(JSON.stringify(packBundle({ manifest, files })));
}

/** Unpacks; undefined on an EnvelopeError; rethrows anything else (a fuzz failure). */
function tryUnpack(input: unknown) {
  try {
    return unpackEnvelope(input, { maxBytes: 1 << 20 });
  } catch (error) {
    if (error instanceof EnvelopeError) return undefined;
    throw error;
  }
}

const hostileSegment = fc.constantFrom("..", ".", "", "manifest.json", "a\u0000b", "a\\b", "/", "C:", " ", "é", ".hidden", "x".repeat(70));
const segment = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{1,8}$/), hostileSegment, fc.string({ maxLength: 6 }));
const path = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 12 }).map((s) => s.join("/")),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("./manifest.json", "/abs", "a/", "//x", "a/../../b"),
);

describe("unpackEnvelope under fuzzing", () => {
  test("arbitrary JSON only ever throws EnvelopeError", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => void tryUnpack(json)),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom("format", "manifest", "files", "signature", "x"), fc.jsonValue()),
        (json) => void tryUnpack({ format: "agent-model-bundle+json", ...json }),
      ),
      { numRuns: 2000 },
    );
  });

  test("an envelope with arbitrary (consistent) file paths is accepted only when every path is safe", () => {
    fc.assert(
      fc.property(fc.uniqueArray(path, { minLength: 1, maxLength: 4 }), (paths) => {
        const b = tryUnpack(envelope(paths));
        const allSafe = paths.every((p) => bundlePathProblem(p) === undefined);
        expect(b !== undefined).toBe(allSafe);
        if (!b) return;
        const root = resolve("/bundle") + sep;
        for (const f of b.manifest.files) {
          expect(bundlePathProblem(f.path)).toBeUndefined();
          expect(resolve(root, f.path).startsWith(root)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test("mutating any manifest field of a valid envelope only ever throws EnvelopeError", () => {
    const base = envelope(["w.bin", "members/0/model.json"]);
    const keys = Object.keys(base.manifest as object);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => {
        const env = structuredClone(base);
        (env.manifest as Record<string, unknown>)[key] = value;
        const b = tryUnpack(env);
        if (b) for (const f of b.manifest.files) expect(bundlePathProblem(f.path)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});

describe("bundlePathProblem", () => {
  test.each(["model.json", "weights.bin", "members/0/model.json", "a_b-c.d"])("accepts %p", (p) => expect(bundlePathProblem(p)).toBeUndefined());
  test.each([
    "",
    "../x",
    "a/../b",
    "/abs",
    "./manifest.json",
    "manifest.json",
    "a\u0000b",
    "a\\b",
    "dir/",
    "a//b",
    ".hidden",
    Array(9).fill("d").join("/"),
    "x".repeat(300),
  ])("refuses %p", (p) => expect(bundlePathProblem(p)).toBeString());
});
