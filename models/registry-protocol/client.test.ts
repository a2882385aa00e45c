import { expect, test } from "bun:test";
import { sha256Hex } from "../format/bundle.ts";
import { RegistryAnswerError } from "./answers.ts";
import { createRegistryClient } from "./client.ts";
import { RegistryError } from "./errors.ts";
import { packBundle } from "./envelope.ts";
import { canonicalJson, derToPem, importPublicKey, keyId } from "./signature.ts";

const data = new TextEncoder().encode("0123456789");
const manifest = {
  format: "agent-model-bundle",
  manifest_version: 1,
  name: "m",
  version: "2",
  created_at: "t",
  agent_version: "0",
  detector: { kind: "robust-zscore", params: {} },
  window: 8,
  features: { window: 8, scale_half_life: 240, spread_weight: 4, auto_rate: true, clip: 50, width: 9, names: [] },
  scaler: { center: "window_median", scale: "ewma_abs_diff", counters: "auto_rate" },
  threshold: { score: 0.5, raw: 1, quantile: 0.99 },
  training: { series: 1, windows: 1, fit_seconds: 0, metrics: {} },
  files: [{ path: "a.bin", sha256: sha256Hex(data), bytes: 10 }],
};

function fake(routes: Record<string, (req: Request) => Response>) {
  const seen: Request[] = [];
  const fetch = async (req: Request) => {
    seen.push(req);
    const url = new URL(req.url);
    const h = routes[`${req.method} ${url.pathname}`];
    return h ? h(req) : new Response(JSON.stringify({ error: "not_found", reason: "nope" }), { status: 404 });
  };
  return { fetch, seen };
}

const resolution = {
  model: "m",
  channel: "stable",
  agent_id: "edge-01",
  bucket: 3,
  version: "2",
  digest: "c".repeat(64),
  cohort: "stable",
  published_at: "2026-01-01T00:00:00.000Z",
  bundle_url: "/v1/models/m/versions/2/bundle",
};

test("resolve sends the token and If-None-Match; 304 → not_modified, 200 → the resolution and its ETag", async () => {
  const f = fake({
    "GET /v1/models/m/channels/stable/resolve": (req) =>
      req.headers.get("if-none-match") === '"e1"'
        ? new Response(null, { status: 304, headers: { etag: '"e1"' } })
        : Response.json(resolution, { headers: { etag: '"e1"' } }),
  });
  const c = createRegistryClient({ url: "http://r/", token: "agt_x", fetch: f.fetch });
  const first = await c.resolve("m", "stable", "edge-01");
  expect(first).toEqual({ status: "ok", etag: '"e1"', value: resolution as never });
  expect(f.seen[0].headers.get("authorization")).toBe("Bearer agt_x");
  expect(new URL(f.seen[0].url).searchParams.get("agent_id")).toBe("edge-01");
  expect(await c.resolve("m", "stable", "edge-01", '"e1"')).toEqual({ status: "not_modified", etag: '"e1"' });
});

test("errors carry the registry's {error, reason}; network failures are status 0 and retryable", async () => {
  const f = fake({ "POST /v1/models/m/versions": () => Response.json({ error: "forbidden", reason: "agent token" }, { status: 403 }) });
  const c = createRegistryClient({ url: "http://r", fetch: f.fetch });
  const e = await c.publish(packBundle({ manifest, files: new Map([["a.bin", data]]) })).catch((x) => x);
  expect(e).toBeInstanceOf(RegistryError);
  expect([e.status, e.code, e.reason, e.retryable]).toEqual([403, "forbidden", "agent token", false]);
  const down = createRegistryClient({
    url: "http://r",
    fetch: async () => {
      throw new Error("ECONNREFUSED");
    },
  });
  const n = await down.listModels().catch((x) => x);
  expect([n.status, n.retryable]).toEqual([0, true]);
});

test("download verifies checksums, the name/version asked for, and the signature when a key is given", async () => {
  const kp = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
  const sig = {
    alg: "ed25519" as const,
    key_id: await keyId(kp.publicKey),
    value: Buffer.from(await crypto.subtle.sign("Ed25519", kp.privateKey, new TextEncoder().encode(canonicalJson(manifest)))).toString("base64"),
  };
  const publicKey = await importPublicKey(derToPem(new Uint8Array(await crypto.subtle.exportKey("spki", kp.publicKey)), "PUBLIC KEY"));
  let body: unknown = packBundle({ manifest, files: new Map([["a.bin", data]]) }, sig);
  const f = fake({ "GET /v1/models/m/versions/2/bundle": () => Response.json(body, { headers: { etag: '"d"' } }) });
  const signed = createRegistryClient({ url: "http://r", fetch: f.fetch, publicKey });
  const ok = await signed.download("m", "2");
  expect(ok.status === "ok" && ok.value.files.get("a.bin")?.byteLength).toBe(10);

  body = packBundle({ manifest, files: new Map([["a.bin", data]]) });
  expect(((await signed.download("m", "2").catch((x) => x)) as RegistryError).code).toBe("bad_signature");
  body = packBundle({ manifest: { ...manifest, version: "3" }, files: new Map([["a.bin", data]]) }, sig);
  expect(((await signed.download("m", "2").catch((x) => x)) as RegistryError).code).toBe("bad_bundle");
  body = packBundle({ manifest, files: new Map([["a.bin", new TextEncoder().encode("0123456780")]]) }, sig);
  const tampered = (await signed.download("m", "2").catch((x) => x)) as RegistryError;
  expect([tampered.code, tampered.reason]).toEqual(["bad_bundle", expect.stringContaining("sha256")]);
});

test("resolve: a malformed answer is a RegistryAnswerError (bad_answer, retryable); an oversized one is cut (too_large)", async () => {
  const f = fake({
    "GET /v1/models/m/channels/stable/resolve": () => Response.json({ ...resolution, version: "../../x" }),
    "GET /v1/models/m/channels/canary/resolve": () => new Response("x".repeat(100_000)),
  });
  const c = createRegistryClient({ url: "http://r", fetch: f.fetch });
  const bad = await c.resolve("m", "stable", "edge-01").catch((x) => x);
  expect(bad).toBeInstanceOf(RegistryAnswerError);
  expect([bad.code, bad.retryable]).toEqual(["bad_answer", true]);
  const big = await c.resolve("m", "canary", "edge-01").catch((x) => x);
  expect([big.code, big.status]).toEqual(["too_large", 413]);
});

test("error bodies: read at most 16 KiB, one line without control characters", async () => {
  const f = fake({
    "GET /v1/models/m/channels/stable/resolve": () =>
      Response.json({ error: "nope\u001b]0;pwned\u0007", reason: "line 1\nline 2\r\n\u001b[31mred" }, { status: 403 }),
    "GET /v1/models/m/channels/canary/resolve": () =>
      new Response(JSON.stringify({ error: "x", reason: "y".repeat(1 << 20) }), { status: 500, statusText: "Internal Server Error" }),
  });
  const c = createRegistryClient({ url: "http://r", fetch: f.fetch });
  const e = await c.resolve("m", "stable", "edge-01").catch((x) => x);
  expect([e.status, e.code, e.reason]).toEqual([403, "nope ]0;pwned", "line 1 line 2 [31mred"]);
  const big = await c.resolve("m", "canary", "edge-01").catch((x) => x);
  expect([big.status, big.code, big.reason]).toEqual([500, "http_500", "Internal Server Error"]);
});
