import { afterEach, describe, expect, test } from "bun:test";
import pino from "pino";
import { MemoryBuffer } from "../../buffer/memory.ts";
import type { OutRecord } from "../../events.ts";
import { Telemetry } from "../../telemetry/metrics.ts";
import { SinkDriver } from "../driver.ts";
import { deadPort, makeBatch, makePoint } from "../testing/records.ts";
import { createHttpSink, NDJSON_CONTENT_TYPE } from "./sink.ts";
import { waitFor } from "../../../core/testing/wait-for.ts";

/** One request the test server got: method, headers, body lines (gunzipped when gzip). */
interface Got {
  method: string;
  headers: Headers;
  lines: string[];
  rawBytes: number;
}

const servers: { stop(force?: boolean): unknown }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.stop(true);
});

/** A real HTTP server on 127.0.0.1: `answer(got, n)` (n from 1, POSTs only) decides the response; HEAD answers 200. */
function serve(answer: (got: Got, n: number) => Response | Promise<Response> = () => new Response("ok")) {
  const got: Got[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      if (req.method !== "POST") return new Response(null, { status: 200 });
      const raw = new Uint8Array(await req.arrayBuffer());
      const body = req.headers.get("content-encoding") === "gzip" ? Bun.gunzipSync(raw) : raw;
      const g: Got = { method: req.method, headers: req.headers, lines: new TextDecoder().decode(body).split("\n").filter(Boolean), rawBytes: raw.byteLength };
      got.push(g);
      return answer(g, got.length);
    },
  });
  servers.push(server);
  return { url: `http://127.0.0.1:${server.port}/ingest`, got };
}

const seqs = (lines: string[]) => lines.map((l) => JSON.parse(l).agent.seq as number);

describe("createHttpSink against a real HTTP server", () => {
  test("one POST per batch: NDJSON of the documents, content type and extra headers", async () => {
    const s = serve();
    const batch = makeBatch("edge", 12);
    const sink = createHttpSink({ id: "hook", url: s.url, headers: { Authorization: "Bearer t0k", "X-Agent": "edge" } });
    expect(sink.type).toBe("http");
    const r = await sink.send(batch);
    expect(r).toEqual({ delivered: 12, retry: [], dead: [], errors: {} });
    expect(s.got).toHaveLength(1);
    expect(s.got[0].lines.map((l) => JSON.parse(l))).toEqual(batch.map((b) => b.doc));
    expect(s.got[0].headers.get("content-type")).toBe(NDJSON_CONTENT_TYPE);
    expect(s.got[0].headers.get("authorization")).toBe("Bearer t0k");
    expect(s.got[0].headers.get("x-agent")).toBe("edge");
    expect(s.got[0].headers.get("content-encoding")).toBeNull();
  });

  test("gzip: the body is gzip (smaller), the server decodes the same lines", async () => {
    const s = serve();
    const batch = makeBatch("edge", 200);
    const r = await createHttpSink({ id: "hook", url: s.url, gzip: true }).send(batch);
    expect(r.delivered).toBe(200);
    expect(s.got[0].headers.get("content-encoding")).toBe("gzip");
    expect(seqs(s.got[0].lines)).toEqual(batch.map((b) => b.doc.agent.seq));
    const plain = batch.map((b) => JSON.stringify(b.doc)).join("\n").length;
    expect(s.got[0].rawBytes).toBeLessThan(plain / 3);
  });

  test("401 and 403 halt with the reason (credentials out of it), records kept for retry", async () => {
    for (const status of [401, 403]) {
      const s = serve(() => new Response('{"error":"bad token"}', { status }));
      const batch = makeBatch("edge", 3);
      const r = await createHttpSink({ id: "hook", url: s.url.replace("http://", "http://user:secret@") }).send(batch);
      expect(r.delivered).toBe(0);
      expect(r.retry).toEqual(batch);
      expect(r.errors).toEqual({ [`http_${status}`]: 1 });
      expect(r.halt).toContain(`HTTP ${status}: {"error":"bad token"}`);
      expect(r.halt).toContain("credentials refused");
      expect(r.halt).not.toContain("secret");
    }
  });

  test("a redirect halts (the POST is not re-sent elsewhere)", async () => {
    const s = serve(() => new Response(null, { status: 302, headers: { location: "http://elsewhere/" } }));
    const r = await createHttpSink({ id: "hook", url: s.url }).send(makeBatch("edge", 2));
    expect(r.halt).toContain("HTTP 302");
    expect(r.retry).toHaveLength(2);
    expect(s.got).toHaveLength(1);
  });

  test("503 is retry + unavailable, 429 and 500 retry without unavailable", async () => {
    for (const [status, unavailable] of [
      [503, true],
      [502, true],
      [429, false],
      [500, false],
    ] as const) {
      const s = serve(() => new Response("busy", { status }));
      const r = await createHttpSink({ id: "hook", url: s.url }).send(makeBatch("edge", 4));
      expect([r.delivered, r.retry.length, r.dead.length, r.halt]).toEqual([0, 4, 0, undefined]);
      expect(r.errors).toEqual({ [`http_${status}`]: 1 });
      expect(r.unavailable === true).toBe(unavailable);
    }
  });

  test("other 4xx reject the request's records, counted once with the answer as the reason", async () => {
    const s = serve(() => new Response("line 3: unexpected field", { status: 422 }));
    const r = await createHttpSink({ id: "hook", url: s.url }).send(makeBatch("edge", 5));
    expect(r.delivered).toBe(0);
    expect(r.retry).toEqual([]);
    expect(r.dead).toHaveLength(5);
    expect(r.dead[0].reason).toContain("HTTP 422: line 3: unexpected field");
    expect(r.errors).toEqual({ http_422: 1 });
  });

  test("413 splits the request until it fits; a record too large alone is rejected with its size", async () => {
    const s = serve((g) => (g.rawBytes > 2000 ? new Response("too big", { status: 413 }) : new Response("ok")));
    const big = makePoint("edge", 99, { metric: { name: "m", labels: { blob: "x".repeat(3000) } } });
    const batch = [...makeBatch("edge", 12), big];
    const r = await createHttpSink({ id: "hook", url: s.url }).send(batch);
    expect(r.delivered).toBe(12);
    expect(r.dead.map((d) => d.record)).toEqual([big]);
    expect(r.dead[0].reason).toMatch(/HTTP 413: too big \(one record of \d+ bytes is too large\)/);
    expect(r.retry).toEqual([]);
    expect(r.errors.http_413).toBeGreaterThan(1);
    const accepted = s.got.filter((g) => g.rawBytes <= 2000).flatMap((g) => seqs(g.lines));
    expect(accepted.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  test("a failure in the middle of a split retries the rest unsent", async () => {
    const s = serve((_g, n) => (n === 1 ? new Response(null, { status: 413 }) : n === 2 ? new Response("ok") : new Response(null, { status: 503 })));
    const batch = makeBatch("edge", 8);
    const r = await createHttpSink({ id: "hook", url: s.url }).send(batch);
    expect(r.delivered).toBe(4);
    expect(r.retry).toEqual(batch.slice(4));
    expect(s.got).toHaveLength(3);
  });

  test("no server: connection_error, retry, unavailable; probe says why", async () => {
    const url = `http://127.0.0.1:${await deadPort()}/ingest`;
    const sink = createHttpSink({ id: "hook", url });
    const r = await sink.send(makeBatch("edge", 2));
    expect([r.retry.length, r.errors, r.unavailable]).toEqual([2, { connection_error: 1 }, true]);
    expect(await sink.probe()).toContain("unreachable");
  });

  test("probe: any answer below 502 is reachable; 503 is not", async () => {
    const up = serve();
    expect(await createHttpSink({ id: "hook", url: up.url }).probe()).toBeUndefined();
    const down = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(null, { status: 503 }) });
    servers.push(down);
    expect(await createHttpSink({ id: "hook", url: `http://127.0.0.1:${down.port}/` }).probe()).toContain("HTTP 503");
  });
});

describe("hostile answers", () => {
  /** A body of `mb` MiB produced on demand (never held whole). */
  const hugeBody = (mb: number) => {
    let left = mb;
    return new ReadableStream({
      pull(c) {
        if (left-- <= 0) c.close();
        else c.enqueue(new Uint8Array(1 << 20).fill(65));
      },
    });
  };

  test("a huge 2xx body is not read: delivered at once", async () => {
    const s = serve(() => new Response(hugeBody(2048)));
    const started = performance.now();
    const r = await createHttpSink({ id: "hook", url: s.url }).send(makeBatch("edge", 3));
    expect(r.delivered).toBe(3);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  test("a huge error body: only maxReasonBytes of it is read into the reason", async () => {
    const s = serve(() => new Response(hugeBody(2048), { status: 400 }));
    const r = await createHttpSink({ id: "hook", url: s.url, maxReasonBytes: 100 }).send(makeBatch("edge", 1));
    expect(r.dead).toHaveLength(1);
    expect(r.dead[0].reason).toContain("HTTP 400: AAAA");
    expect(r.dead[0].reason.length).toBeLessThan(300);
  });

  test("a server that never answers: timeout, retry, unavailable, within the bound", async () => {
    const s = serve(() => new Promise<Response>(() => {}));
    const started = performance.now();
    const r = await createHttpSink({ id: "hook", url: s.url, timeoutMs: 300 }).send(makeBatch("edge", 2));
    expect([r.retry.length, r.errors, r.unavailable]).toEqual([2, { timeout: 1 }, true]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test("an error answer whose body drips forever is cut by the timeout; the status still decides", async () => {
    const drip = () => new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode("slow ")), pull: () => new Promise<void>(() => {}) });
    const s = serve(() => new Response(drip(), { status: 429 }));
    const started = performance.now();
    const r = await createHttpSink({ id: "hook", url: s.url, timeoutMs: 300 }).send(makeBatch("edge", 2));
    expect([r.retry.length, r.errors]).toEqual([2, { http_429: 1 }]);
    expect(r.unavailable).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("through the sink driver", () => {
  const log = pino({ level: "silent" });
  const fast = { maxWaitMs: 20, backoff: { initialMs: 5, maxMs: 20 } };

  async function drive(url: string, records: OutRecord[], options: { maxRecords?: number; maxBytes?: number } = {}) {
    const t = new Telemetry({ defaultMetrics: false });
    const buffer = new MemoryBuffer();
    const sink = createHttpSink({ id: "hook", url });
    await buffer.attach([sink.id]);
    const driver = new SinkDriver(sink, buffer, { ...fast, ...options }, t, log);
    await driver.start();
    await buffer.append(records);
    return { driver, buffer, t };
  }

  test("503 twice, then 200: everything delivered once, in order, retries counted", async () => {
    const s = serve((_, n) => (n <= 2 ? new Response("warming up", { status: 503 }) : new Response("ok")));
    const records = makeBatch("edge", 25, 1);
    const { driver, t } = await drive(s.url, records, { maxRecords: 10 });
    expect(await driver.stop(3000)).toBe(0);
    const ok = s.got.slice(2).flatMap((g) => seqs(g.lines));
    expect(ok).toEqual(records.map((r) => r.doc.agent.seq));
    expect(driver.status()).toMatchObject({ delivered: 25, dead: 0, state: "stopped" });
    expect(driver.status().retries).toBeGreaterThan(0);
    expect(await t.registry.getSingleMetricAsString("agent_component_errors_total")).toContain('error_type="http_503"} 2');
  });

  test("batch limits: no POST carries more than max_records lines or much more than max_bytes", async () => {
    const s = serve();
    const records = makeBatch("edge", 95);
    const { driver } = await drive(s.url, records, { maxRecords: 20, maxBytes: 3000 });
    expect(await driver.stop(3000)).toBe(0);
    expect(s.got.flatMap((g) => seqs(g.lines))).toEqual(records.map((r) => r.doc.agent.seq));
    expect(Math.max(...s.got.map((g) => g.lines.length))).toBeLessThanOrEqual(20);
    expect(s.got.length).toBeGreaterThan(95 / 20);
    const lineBytes = Math.max(...records.map((r) => JSON.stringify(r.doc).length + 1));
    expect(Math.max(...s.got.map((g) => g.rawBytes))).toBeLessThanOrEqual(3000 + lineBytes);
  });

  test("401: the driver halts and keeps the records in the buffer", async () => {
    const s = serve(() => new Response("no", { status: 401 }));
    const { driver, buffer } = await drive(s.url, makeBatch("edge", 4));
    await waitFor(() => driver.status().state === "halted", { timeoutMs: 2000 }).catch(() => {}); // asserted below
    expect(driver.status()).toMatchObject({ state: "halted" });
    expect(driver.status().halted_reason).toContain("HTTP 401: no");
    expect(await driver.stop(100)).toBe(4);
    expect(buffer.depth("hook")).toBe(4);
  });
});
