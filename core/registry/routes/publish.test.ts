import { beforeAll, describe, expect, test } from "bun:test";
import { sha256Hex } from "../../../models/format/bundle.ts";
import type { BundleEnvelope } from "../../../models/registry-protocol/protocol.ts";
import { AGT, testRegistry, trainedEnvelope } from "../testing/fixtures.ts";

let ae: BundleEnvelope;
beforeAll(async () => {
  ae = await trainedEnvelope("autoencoder", "host-ae", "1");
}, 60_000);

const clone = (e: BundleEnvelope): BundleEnvelope => structuredClone(e);
const files = (e: BundleEnvelope) => e.manifest.files as { path: string; sha256: string; bytes: number }[];

/** Replaces a file and fixes the manifest so it tells the truth about it. */
function replaceFile(e: BundleEnvelope, path: string, data: Uint8Array): BundleEnvelope {
  const c = clone(e);
  c.files[path] = Buffer.from(data).toString("base64");
  const entry = files(c).find((f) => f.path === path)!;
  entry.sha256 = sha256Hex(data);
  entry.bytes = data.byteLength;
  return c;
}

async function expectError(res: Response, status: number, code: string): Promise<string> {
  const body = (await res.json()) as { error: string; reason: string };
  expect({ status: res.status, error: body.error }).toEqual({ status, error: code });
  expect(body.reason.length).toBeGreaterThan(5);
  return body.reason;
}

describe("publish", () => {
  test("a tfjs bundle is loaded, tried and stored: 201, identical re-push 200, other content 409", async () => {
    const { req } = testRegistry();
    const first = await req("POST", "/v1/models/host-ae/versions", { body: ae });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ model: "host-ae", version: "1", created: true });
    const again = await req("POST", "/v1/models/host-ae/versions", { body: ae });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { created: boolean }).created).toBe(false);
    const other = clone(ae);
    other.manifest.created_at = "2030-01-01T00:00:00Z";
    await expectError(await req("POST", "/v1/models/host-ae/versions", { body: other }), 409, "version_exists");
  });

  test("non-tfjs detectors are loaded and score one window too", async () => {
    const { req } = testRegistry();
    for (const kind of ["isolation-forest", "robust-zscore"] as const) {
      const res = await req("POST", `/v1/models/${kind}/versions`, { body: await trainedEnvelope(kind, kind, "1") });
      expect(res.status).toBe(201);
    }
  }, 60_000);

  test("uploads that are not bundles → 400", async () => {
    const { req } = testRegistry();
    await expectError(await req("POST", "/v1/models/host-ae/versions", { body: { hello: "world" } }), 400, "not_a_bundle");
    await expectError(await req("POST", "/v1/models/host-ae/versions", { body: "PK\u0003\u0004 a zip file" }), 400, "bad_json");
    await expectError(await req("POST", "/v1/models/host-ae/versions", { body: "" }), 400, "bad_request");
    const truncated = JSON.stringify(ae).slice(0, 2000);
    expect(await expectError(await req("POST", "/v1/models/host-ae/versions", { body: truncated }), 400, "bad_json")).toContain("truncated");
  });

  test("a manifest that lies about a file → 422 naming the file", async () => {
    const { req } = testRegistry();
    const sha = clone(ae);
    sha.files["weights.bin"] = Buffer.from(Buffer.from(ae.files["weights.bin"], "base64").map((b, i) => (i === 7 ? b ^ 1 : b))).toString("base64");
    expect(await expectError(await req("POST", "/v1/models/host-ae/versions", { body: sha }), 422, "sha256_mismatch")).toContain("weights.bin");
    const missing = clone(ae);
    delete missing.files["model.json"];
    expect(await expectError(await req("POST", "/v1/models/host-ae/versions", { body: missing }), 422, "missing_file")).toContain("model.json");
    const extra = clone(ae);
    extra.files["run.sh"] = Buffer.from("#!/bin/sh").toString("base64");
    expect(await expectError(await req("POST", "/v1/models/host-ae/versions", { body: extra }), 422, "extra_file")).toContain("run.sh");
    const cut = clone(ae);
    cut.files["weights.bin"] = Buffer.from(Buffer.from(ae.files["weights.bin"], "base64").subarray(0, 100)).toString("base64");
    await expectError(await req("POST", "/v1/models/host-ae/versions", { body: cut }), 422, "size_mismatch");
  });

  test("a consistent bundle whose model does not load or does not fit its declared shape → 422", async () => {
    const { req } = testRegistry();
    const notModel = replaceFile(ae, "model.json", new TextEncoder().encode('{"format":"layers-model"}'));
    expect(await expectError(await req("POST", "/v1/models/host-ae/versions", { body: notModel }), 422, "model_load_failed")).toContain("autoencoder");
    const shape = clone(ae);
    (shape.manifest.features as { window: number; width: number }).window = 16;
    (shape.manifest.features as { window: number; width: number }).width = 17;
    expect(await expectError(await req("POST", "/v1/models/host-ae/versions", { body: shape }), 422, "invalid_bundle")).toContain(
      "window 32 differs from features.window 16",
    );
    const short = replaceFile(ae, "weights.bin", new Uint8Array(64));
    await expectError(await req("POST", "/v1/models/host-ae/versions", { body: short }), 422, "model_load_failed");
    expect(((await (await req("GET", "/v1/models")).json()) as { models: unknown[] }).models).toEqual([]);
  });

  test("too large → 413, by the request size and by the declared file sizes", async () => {
    const { req } = testRegistry({ maxBundleBytes: 4096 });
    expect(await expectError(await req("POST", "/v1/models/host-ae/versions", { body: ae }), 413, "too_large")).toContain("4096");
    const big = clone(ae);
    big.files = {};
    big.manifest.files = [{ path: "huge.bin", sha256: "0".repeat(64), bytes: 10_000_000 }];
    await expectError(await req("POST", "/v1/models/host-ae/versions", { body: big }), 413, "too_large");
  });

  test("names that could escape the data directory or carry odd characters → 400", async () => {
    const { req } = testRegistry();
    for (const path of [
      "/v1/models/..%2F..%2Fetc/versions",
      "/v1/models/a%20b/versions",
      "/v1/models/a$b/versions",
      "/v1/models/.hidden/versions",
      `/v1/models/${"x".repeat(65)}/versions`,
    ]) {
      await expectError(await req("POST", path, { body: ae }), 400, "invalid_name");
    }
    // The URL parser folds a dot-dot segment away before routing: no route, nothing stored.
    await expectError(await req("POST", "/v1/models/%2E%2E/versions", { body: ae }), 404, "not_found");
    await expectError(await req("POST", "/v1/models/other/versions", { body: ae }), 400, "name_mismatch");
    const dotted = clone(ae);
    dotted.manifest.version = "../1";
    await expectError(await req("POST", "/v1/models/host-ae/versions", { body: dotted }), 400, "invalid_manifest");
  });

  test("no token or an unknown one → 401; an agent token → 403", async () => {
    const { req } = testRegistry();
    const none = await req("POST", "/v1/models/host-ae/versions", { body: ae, token: null });
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    await expectError(none, 401, "unauthorized");
    await expectError(await req("POST", "/v1/models/host-ae/versions", { body: ae, token: "pub_guess" }), 401, "unauthorized");
    await expectError(await req("POST", "/v1/models/host-ae/versions", { body: ae, token: AGT }), 403, "forbidden");
  });
});
