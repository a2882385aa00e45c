import { describe, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex, writeBundle } from "../format/bundle.ts";
import type { Manifest } from "../format/manifest.ts";
import { EnvelopeError, packBundle, packBundleDir, unpackEnvelope } from "./envelope.ts";

const enc = new TextEncoder();
const fileA = enc.encode("weights weights weights");
const fileB = enc.encode('{"layers":[]}');

function manifest(files: Record<string, Uint8Array>): Manifest {
  return {
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
    files: Object.entries(files).map(([path, d]) => ({ path, sha256: sha256Hex(d), bytes: d.byteLength })),
  };
}

function envelope() {
  const files = new Map([
    ["w.bin", fileA],
    ["model.json", fileB],
  ]);
  return JSON.parse(JSON.stringify(packBundle({ manifest: manifest(Object.fromEntries(files)), files })));
}

function refusal(input: unknown, maxBytes?: number): EnvelopeError {
  try {
    unpackEnvelope(input, { maxBytes });
  } catch (e) {
    expect(e).toBeInstanceOf(EnvelopeError);
    return e as EnvelopeError;
  }
  throw new Error("accepted");
}

describe("unpackEnvelope", () => {
  test("round-trips a packed bundle with every file verified", () => {
    const b = unpackEnvelope(envelope());
    expect(b.manifest.name).toBe("host-ae");
    expect(new TextDecoder().decode(b.files.get("model.json"))).toBe('{"layers":[]}');
    expect(b.bytes).toBe(fileA.byteLength + fileB.byteLength);
  });

  test("not an envelope → 400 not_a_bundle", () => {
    for (const bad of [null, "x", [], { manifest: {}, files: {} }, { ...envelope(), extra: 1 }]) {
      const e = refusal(bad);
      expect([e.status, e.code]).toEqual([400, "not_a_bundle"]);
    }
  });

  test("manifest problems → 400 with the field path", () => {
    const v2 = envelope();
    v2.manifest.manifest_version = 2;
    expect(refusal(v2).code).toBe("unsupported_manifest_version");
    const badName = envelope();
    badName.manifest.name = "../etc";
    expect(refusal(badName).reason).toContain("name");
    const badVersion = envelope();
    badVersion.manifest.version = "1/2";
    expect(refusal(badVersion).code).toBe("invalid_manifest");
    const traversal = envelope();
    traversal.manifest.files[0].path = "../../w.bin";
    expect(refusal(traversal).reason).toContain("files.0.path");
  });

  test("object-prototype names are not paths: __proto__ / constructor are refused, never looked up on the prototype", () => {
    for (const name of ["__proto__", "constructor", "a/prototype"]) {
      const files = new Map([[name, fileA]]);
      const env = JSON.parse(JSON.stringify(packBundle({ manifest: manifest({}), files })));
      env.manifest.files = [{ path: name, sha256: sha256Hex(fileA), bytes: fileA.byteLength }];
      expect(Object.keys(env.files)).toEqual([name]); // packed as an own key
      expect(refusal(env).code).toBe("invalid_manifest");
    }
    // a listed "toString" with no such file is missing, not Object.prototype.toString
    const env = envelope();
    env.manifest.files.push({ path: "toString", sha256: sha256Hex(fileA), bytes: fileA.byteLength });
    expect(refusal(env).code).toBe("missing_file");
  });

  test("a manifest that lies about a file → 422", () => {
    const sha = envelope();
    sha.files["w.bin"] = Buffer.from("weights weights weightZ").toString("base64");
    expect([refusal(sha).status, refusal(sha).code]).toEqual([422, "sha256_mismatch"]);
    const missing = envelope();
    delete missing.files["w.bin"];
    expect(refusal(missing).code).toBe("missing_file");
    const extra = envelope();
    extra.files["evil.sh"] = Buffer.from("rm -rf /").toString("base64");
    expect(refusal(extra).code).toBe("extra_file");
    const truncated = envelope();
    truncated.files["w.bin"] = Buffer.from(fileA.subarray(0, 9)).toString("base64");
    expect([refusal(truncated).status, refusal(truncated).code]).toEqual([422, "size_mismatch"]);
  });

  test("bad base64 → 400; too large (actual or declared) → 413", () => {
    const b64 = envelope();
    b64.files["w.bin"] = "not base64!";
    expect(refusal(b64).code).toBe("bad_base64");
    expect([refusal(envelope(), 10).status, refusal(envelope(), 10).code]).toEqual([413, "too_large"]);
    const declared = envelope();
    declared.manifest.files[0].bytes = 1e9;
    expect(refusal(declared, 1e6).status).toBe(413);
  });
});

test("packBundleDir reads a bundle directory (checksums verified) and applies name/version overrides", async () => {
  const dir = join(await mkdtemp(join(tmpdir(), "env-")), "b");
  const { files: _f, ...m } = manifest({ "w.bin": fileA });
  await writeBundle(dir, m, [{ path: "w.bin", data: fileA }]);
  const env = await packBundleDir(dir, { name: "other", version: "9" });
  const b = unpackEnvelope(env);
  expect([b.manifest.name, b.manifest.version]).toEqual(["other", "9"]);
  await Bun.write(join(dir, "w.bin"), "tampered");
  await expect(packBundleDir(dir)).rejects.toThrow("sha256 mismatch");
});
