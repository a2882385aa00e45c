/**
 * A hostile registry for tests: a real `Bun.serve` HTTP server on 127.0.0.1 (port 0) whose
 * resolve and bundle answers each test scripts (any status, any bytes, slow or endless bodies).
 * Heartbeats are acknowledged. Not used outside tests.
 */
import { trainedEnvelope } from "../../../core/registry/testing/fixtures.ts";
import type { DetectorKind } from "../../../models/detector.ts";
import type { BundleEnvelope } from "../../../models/registry-protocol/protocol.ts";
import { sha256Hex } from "../../../models/format/bundle.ts";
import { manifestDigest } from "../../../models/registry-protocol/signature.ts";

/** What a route answers: a Response, or a JSON value (sent with 200). */
export type Answer = Response | unknown;
/** A scripted route: called per request. */
export type Route = (req: Request) => Answer | Promise<Answer>;

/** A running fake registry. */
export interface FakeRegistry {
  url: string;
  /** Paths requested, in order. */
  hits: string[];
  /** Scripts `GET …/resolve`. */
  resolve: Route;
  /** Scripts `GET …/bundle`. */
  bundle: Route;
  stop(): void;
}

/**
 * Starts a fake registry; `resolve` answers 404 and `bundle` 404 until a test scripts them.
 *
 * @example
 * const reg = startFakeRegistry();
 * reg.resolve = () => ({ model: null, version: 12 });
 */
export function startFakeRegistry(): FakeRegistry {
  const notFound = () => Response.json({ error: "not_found", reason: "nothing scripted" }, { status: 404 });
  const reg: FakeRegistry = { url: "", hits: [], resolve: notFound, bundle: notFound, stop: () => {} };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      reg.hits.push(path);
      if (path === "/v1/heartbeat") return Response.json({ ok: true, server_time: new Date().toISOString(), interval_s: 1 });
      const route = path.endsWith("/resolve") ? reg.resolve : path.endsWith("/bundle") ? reg.bundle : notFound;
      const a = await route(req);
      return a instanceof Response ? a : Response.json(a);
    },
  });
  reg.url = `http://127.0.0.1:${server.port}`;
  reg.stop = () => void server.stop(true);
  return reg;
}

/** The resolve answer a well-behaved registry gives for `env` (name `m` unless changed). */
export function resolutionFor(env: BundleEnvelope, over: Record<string, unknown> = {}): Record<string, unknown> {
  const m = env.manifest as { name: string; version: string };
  return {
    model: m.name,
    channel: "stable",
    agent_id: "edge-1",
    bucket: 7,
    version: m.version,
    digest: manifestDigest(env.manifest),
    cohort: "stable",
    published_at: new Date(Date.UTC(2026, 0, 1) + Number(m.version.replace(/\D/g, "") || 0) * 60_000).toISOString(),
    bundle_url: `/v1/models/${m.name}/versions/${m.version}/bundle`,
    ...over,
  };
}

/** A trained bundle envelope of model `m`. */
export function envelope(version: string, kind: DetectorKind = "robust-zscore"): Promise<BundleEnvelope> {
  return trainedEnvelope(kind, "m", version);
}

/** A body that sends `head` and then never ends (until the client goes away). */
export function endlessBody(head = "{"): Response {
  const stream = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      if (head) {
        ctrl.enqueue(new TextEncoder().encode(head));
        head = "";
        return;
      }
      await Bun.sleep(200);
      ctrl.enqueue(new TextEncoder().encode(" "));
    },
  });
  return new Response(stream, { headers: { "content-type": "application/json" } });
}

/** A body of `bytes` bytes of JSON-ish filler, streamed in 1 MiB chunks (never held whole). */
export function hugeBody(bytes: number): Response {
  const chunk = new Uint8Array(1 << 20).fill(0x20);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (sent === 0) ctrl.enqueue(new TextEncoder().encode('{"format":"agent-model-bundle+json","pad":"'));
      if (sent >= bytes) return ctrl.close();
      const n = Math.min(chunk.byteLength, bytes - sent);
      sent += n;
      ctrl.enqueue(n === chunk.byteLength ? chunk : chunk.subarray(0, n));
    },
  });
  return new Response(stream, { headers: { "content-type": "application/json" } });
}

/** An autoencoder envelope whose weights are all NaN (sha256s consistent): every raw score is NaN. */
export async function nanEnvelope(version: string): Promise<BundleEnvelope> {
  const env = await envelope(version, "autoencoder");
  const files = (env.manifest as { files: { path: string; sha256: string; bytes: number }[] }).files;
  const w = files.find((f) => f.path === "weights.bin")!;
  const data = new Uint8Array(w.bytes).fill(0xff);
  w.sha256 = sha256Hex(data);
  env.files["weights.bin"] = Buffer.from(data).toString("base64");
  return env;
}
