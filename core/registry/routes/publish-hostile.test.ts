/**
 * Uploads every agent would refuse are refused by the registry (422 `invalid_bundle`, one-line
 * reasons), and a fast-check property: whatever file path a bundle lists, the registry accepts
 * it only when an agent can install and load it.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBundle, sha256Hex } from "../../../models/format/bundle.ts";
import { unpackEnvelope } from "../../../models/registry-protocol/envelope.ts";
import { installBundle } from "../../../models/registry-protocol/install.ts";
import type { BundleEnvelope } from "../../../models/registry-protocol/protocol.ts";
import { testRegistry, trainedEnvelope } from "../testing/fixtures.ts";

let base: BundleEnvelope;
beforeAll(async () => {
  base = await trainedEnvelope("robust-zscore", "m", "1");
}, 60_000);

type Files = { path: string; sha256: string; bytes: number }[];
const EXTRA = new TextEncoder().encode("{}");
/** The bundle with one more file, listed (and sent) under `path`, honestly checksummed. */
function renamed(path: string | string[], version = "1"): BundleEnvelope {
  const e = structuredClone(base);
  for (const p of typeof path === "string" ? [path] : path) {
    (e.manifest.files as Files).push({ path: p, sha256: sha256Hex(EXTRA), bytes: EXTRA.byteLength });
    e.files[p] = Buffer.from(EXTRA).toString("base64");
  }
  e.manifest.version = version;
  return e;
}

const noLineBreak = /^[^\n\r\u0000-\u001f]*$/;

describe("uploads agents would refuse", () => {
  test("file paths: ./manifest.json, NUL, trailing '/', 2000 levels deep, control characters → 422 invalid_bundle, nothing stored", async () => {
    const { req } = testRegistry({ checkModel: async () => {} });
    const deep = Array.from({ length: 2000 }, () => "d").join("/") + "/extra.json";
    for (const path of ["./manifest.json", "manifest.json", "extra\u0000.json", "extra.json/", deep, "a\u001b]0;pwned\u0007.json", "a/../extra.json"]) {
      const res = await req("POST", "/v1/models/m/versions", { body: renamed(path) });
      const body = (await res.json()) as { error: string; reason: string };
      expect({ path: path.slice(0, 30), status: res.status }).toEqual({ path: path.slice(0, 30), status: body.error === "invalid_manifest" ? 400 : 422 });
      expect(["invalid_bundle", "invalid_manifest"]).toContain(body.error);
      expect(body.reason).toMatch(noLineBreak);
      expect(body.reason.length).toBeLessThan(2100);
    }
    expect(((await (await req("GET", "/v1/models")).json()) as { models: unknown[] }).models).toEqual([]);
  });

  test("manifest.window ≠ features.window and wrong feature names → 422 invalid_bundle naming the field", async () => {
    const { req } = testRegistry({ checkModel: async () => {} });
    const w = structuredClone(base);
    (w.manifest as { window: number }).window = 64;
    const wr = await req("POST", "/v1/models/m/versions", { body: w });
    expect([wr.status, ((await wr.json()) as { reason: string }).reason]).toEqual([422, expect.stringContaining("window 64 differs from features.window 32")]);
    const n = structuredClone(base);
    (n.manifest.features as { names: string[] }).names = ["value_z[31]", "log_spread_ratio"];
    const nr = await req("POST", "/v1/models/m/versions", { body: n });
    expect([nr.status, ((await nr.json()) as { reason: string }).reason]).toEqual([422, expect.stringContaining("features.names")]);
  });

  test("a detector whose params fail its schema: the 422 reason is one line 'path: problem; …', not a zod dump", async () => {
    const { req } = testRegistry();
    const e = structuredClone(base);
    (e.manifest.detector as { params: unknown }).params = { window: "x", nope: [1, 2] };
    const res = await req("POST", "/v1/models/m/versions", { body: e });
    const body = (await res.json()) as { error: string; reason: string };
    expect([res.status, body.error]).toEqual([422, "model_load_failed"]);
    expect(body.reason).toMatch(noLineBreak);
    expect(body.reason).toContain("window: Invalid input: expected number, received string");
  });
});

describe("property: the registry accepts a bundle only when an agent can install and load it", () => {
  test("random file paths, 1–3 per bundle (fast-check)", async () => {
    const { req } = testRegistry({ checkModel: async () => {} });
    const root = await mkdtemp(join(tmpdir(), "prop-install-"));
    const good = fc.constantFrom("a", "d", "w.bin", "x_1", "members", "0");
    const hostile = fc.oneof(
      fc.constantFrom(".", "..", "", "manifest.json", "MANIFEST.json", "x\u0000", "b\u0085", "-x", ".h", "a b"),
      fc.string({ maxLength: 6 }),
    );
    const seg = fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: hostile, weight: 1 });
    const path = fc.array(seg, { minLength: 1, maxLength: 5 }).map((s) => s.join("/"));
    let n = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(path, { minLength: 1, maxLength: 3 }), async (p) => {
        const version = `v${++n}`;
        const env = renamed(p, version);
        const res = await req("POST", "/v1/models/m/versions", { body: env });
        const body = (await res.json()) as { error?: string; reason?: string };
        expect([201, 400, 422]).toContain(res.status);
        if (res.status !== 201) {
          expect(body.reason).toMatch(noLineBreak);
          return;
        }
        accepted++;
        const dir = join(root, version);
        await installBundle(unpackEnvelope(env), dir);
        const loaded = await readBundle(dir);
        for (const one of p) expect(loaded.files.has(one)).toBe(true);
      }),
      { numRuns: 150 },
    );
    expect(accepted).toBeGreaterThan(20); // the property saw both sides
    await rm(root, { recursive: true, force: true });
  });

  test("arbitrary JSON bodies never make the publish route fail with a 5xx or a multi-line reason (fast-check)", async () => {
    const { req } = testRegistry({ checkModel: async () => {} });
    const manifestish = fc.record(
      {
        format: fc.constant("agent-model-bundle+json"),
        manifest: fc.oneof(fc.constant(base.manifest), fc.object()),
        files: fc.dictionary(fc.string(), fc.string()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), manifestish), async (body) => {
        const res = await req("POST", "/v1/models/m/versions", { body: JSON.stringify(body) });
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(((await res.json()) as { reason: string }).reason).toMatch(noLineBreak);
      }),
      { numRuns: 300 },
    );
  });
});
