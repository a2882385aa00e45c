import { afterAll, describe, expect, test } from "bun:test";
import { createPrometheusSource, PROMETHEUS_ACCEPT } from "./index.ts";

const NOW = 1_700_000_000_000;
const GOOD = '# TYPE up gauge\nup{job="node"} 1\n# TYPE reqs counter\nreqs{code="200"} 7 1699999999000\n';
let lastHeaders: Headers | undefined;
/** Resolved when /slow receives a request. */
let slowHit = Promise.withResolvers<void>();

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const path = new URL(req.url).pathname;
    lastHeaders = req.headers;
    if (path === "/good") return new Response(GOOD, { headers: { "content-type": "text/plain; version=0.0.4" } });
    if (path === "/garbage") return new Response("<html><body>Not metrics</body></html>\n");
    if (path === "/error") return new Response("boom", { status: 500, statusText: "Internal Server Error" });
    if (path === "/slow") {
      slowHit.resolve();
      await Bun.sleep(500);
      return new Response(GOOD);
    }
    if (path === "/trickle") {
      const body = new ReadableStream({
        async start(ctrl) {
          ctrl.enqueue(new TextEncoder().encode("up 1\n"));
          await Bun.sleep(500);
          ctrl.enqueue(new TextEncoder().encode("down 0\n"));
          ctrl.close();
        },
      });
      return new Response(body);
    }
    if (path === "/redirect") return Response.redirect("/good", 302);
    return new Response("not found", { status: 404 });
  },
});
afterAll(() => server.stop(true));

const base = `http://127.0.0.1:${server.port}`;
const source = (path: string, extra: { timeoutMs?: number; headers?: Record<string, string> } = {}) =>
  createPrometheusSource({ id: "t", url: base + path, intervalMs: 1000, timeoutMs: 300, ...extra });

describe("createPrometheusSource", () => {
  test("a good body gives typed samples, timestamps from the exposition or now", async () => {
    const { samples, errors } = await source("/good").collect(NOW);
    expect(errors).toEqual([]);
    expect(samples).toEqual([
      { name: "up", labels: { job: "node" }, value: 1, timestamp: NOW, type: "gauge" },
      { name: "reqs", labels: { code: "200" }, value: 7, timestamp: 1699999999000, type: "counter" },
    ]);
    expect(lastHeaders?.get("accept")).toBe(PROMETHEUS_ACCEPT);
  });

  test("extra headers are sent", async () => {
    await source("/good", { headers: { Authorization: "Bearer t0k" } }).collect(NOW);
    expect(lastHeaders?.get("authorization")).toBe("Bearer t0k");
  });

  test("redirects are followed", async () => {
    const { samples } = await source("/redirect").collect(NOW);
    expect(samples.length).toBe(2);
  });

  test("a garbage body is a parse error", async () => {
    const { samples, errors } = await source("/garbage").collect(NOW);
    expect(samples).toEqual([]);
    expect(errors.map((e) => e.type)).toEqual(["parse_error"]);
    expect(errors[0].message).toStartWith("line 1: invalid metric name");
  });

  test("a non-2xx answer is http_status", async () => {
    for (const [path, code] of [
      ["/error", 500],
      ["/missing", 404],
    ] as const) {
      const { samples, errors } = await source(path).collect(NOW);
      expect(samples).toEqual([]);
      expect(errors).toHaveLength(1);
      expect(errors[0].type).toBe("http_status");
      expect(errors[0].message).toContain(`HTTP ${code}`);
    }
  });

  test("a response slower than timeoutMs is a timeout", async () => {
    const t = performance.now();
    const { samples, errors } = await source("/slow", { timeoutMs: 100 }).collect(NOW);
    expect(performance.now() - t).toBeLessThan(490); // gave up before the 500 ms response arrived
    expect(samples).toEqual([]);
    expect(errors.map((e) => e.type)).toEqual(["timeout"]);
  });

  test("a body that trickles past timeoutMs is a timeout too", async () => {
    const { samples, errors } = await source("/trickle", { timeoutMs: 100 }).collect(NOW);
    expect(samples).toEqual([]);
    expect(errors.map((e) => e.type)).toEqual(["timeout"]);
  });

  test("the runtime's signal aborts the scrape", async () => {
    const ctrl = new AbortController();
    slowHit = Promise.withResolvers<void>();
    void slowHit.promise.then(() => ctrl.abort()); // abort while the scrape is in flight
    const { errors } = await source("/slow", { timeoutMs: 5000 }).collect(NOW, ctrl.signal);
    expect(errors.map((e) => e.type)).toEqual(["aborted"]);
  });

  test("a refused connection is unreachable; credentials never reach the message", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const port = closed.port;
    closed.stop(true);
    const src = createPrometheusSource({ id: "t", url: `http://user:secret@127.0.0.1:${port}/metrics`, intervalMs: 1000 });
    const { samples, errors } = await src.collect(NOW);
    expect(samples).toEqual([]);
    expect(errors.map((e) => e.type)).toEqual(["unreachable"]);
    expect(errors[0].message).not.toContain("secret");
    expect(errors[0].message).toContain(`127.0.0.1:${port}`);
  });

  test("the default timeout is min(10 s, interval)", async () => {
    const src = createPrometheusSource({ id: "t", url: `${base}/slow`, intervalMs: 100 });
    const { errors } = await src.collect(NOW);
    expect(errors.map((e) => e.type)).toEqual(["timeout"]);
  });
});
