/**
 * The webhook sink against a real local receiver (testing/receiver.ts, Bun.serve) that checks
 * each request's HMAC signature and timestamp. Time is virtual where the test is about time (a
 * 30 s outage, the rate limit): the driver, the sink and the receiver share one VirtualClock;
 * the HTTP exchanges are real.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { DiskBuffer } from "../../buffer/disk/disk.ts";
import { MemoryBuffer } from "../../buffer/memory.ts";
import type { OutRecord } from "../../events.ts";
import { Telemetry } from "../../telemetry/metrics.ts";
import { VirtualClock, settle } from "../../testing/virtual-clock.ts";
import { waitFor } from "../../testing/wait-for.ts";
import { SinkDriver } from "../driver.ts";
import { makeAnomaly, makePoint } from "../testing/records.ts";
import { createWebhookSink, sign, type WebhookSinkOptions } from "./sink.ts";
import { type WebhookReceiver, webhookReceiver } from "./testing/receiver.ts";

const log = pino({ level: "silent" });
const receivers: WebhookReceiver[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const r of receivers) r.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
process.env.WEBHOOK_TEST_SECRET = "s3cret";
const SECRET = { env: "WEBHOOK_TEST_SECRET" } as const;
const recv = (o: Parameters<typeof webhookReceiver>[0] = {}) => {
  const r = webhookReceiver({ secret: "s3cret", ...o });
  receivers.push(r);
  return r;
};

/**
 * HTTP exchanges in flight, counted at `fetch` (the virtual clock waits for them before each
 * step; a sink waiting for a rate-limit token on the virtual clock is idle).
 */
let inFlight = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = Object.assign(async (...args: Parameters<typeof fetch>) => {
  inFlight++;
  try {
    return await realFetch(...args);
  } finally {
    inFlight--;
  }
}, realFetch);
const idle = () => inFlight === 0;
afterAll(() => {
  globalThis.fetch = realFetch;
});

/** Advances `clock` in `stepMs` steps, letting every real HTTP exchange finish before each step, until `cond` or `maxMs`. */
async function runFor(clock: VirtualClock, idle: () => boolean, cond: () => boolean, maxMs: number, stepMs = 100, each?: (t: number) => Promise<void>) {
  const from = clock.now();
  while (!cond() && clock.now() - from < maxMs) {
    await waitFor(idle, { timeoutMs: 10_000, what: "the HTTP exchange in flight" });
    await settle();
    await each?.(clock.now() - from);
    await clock.advance(stepMs);
  }
  await waitFor(idle, { timeoutMs: 10_000 });
  return clock.now() - from;
}

async function drive(o: Partial<WebhookSinkOptions> & { url: string }, clock: VirtualClock, disk = false) {
  let buffer: MemoryBuffer | DiskBuffer = new MemoryBuffer();
  if (disk) {
    const dir = mkdtempSync(join(tmpdir(), "webhook-"));
    dirs.push(dir);
    buffer = await DiskBuffer.open({ dir, fsync: "always" });
  }
  const sink = createWebhookSink({ id: "hook", secret: SECRET, clock, ...o });
  await buffer.attach([sink.id]);
  const telemetry = new Telemetry({ defaultMetrics: false });
  const driver = new SinkDriver(sink, buffer, { clock, maxWaitMs: 1000, only: "anomalies" }, telemetry, log);
  await driver.start();
  return { driver, buffer, telemetry, idle, push: (r: OutRecord[]) => buffer.append(r) };
}

const events = (agent: string, from: number, n: number) => Array.from({ length: n }, (_, i) => makeAnomaly(agent, from + i, i % 2 ? "close" : "open"));

describe("webhook sink, real receiver", () => {
  test("a receiver that answers 503 for 30 s then accepts: nothing lost, every request signed, delivered within ~1 s of the recovery", async () => {
    const clock = new VirtualClock(Date.now());
    const t0 = clock.now();
    const down = () => clock.now() - t0 < 30_000;
    const r = recv({ now: () => clock.now(), answer: () => (down() ? new Response("maintenance", { status: 503 }) : undefined) });
    const d = await drive({ url: r.url, rateLimit: { maxRequests: 5, perMs: 10_000 } }, clock, true);
    const sent: OutRecord[] = [];
    const pushAt = async (t: number) => {
      // 10 events (and points, ignored) at 0 s, 10 s, 20 s and 40 s.
      if ([0, 10_000, 20_000, 40_000].includes(t)) {
        const batch = [...events("edge", sent.length, 10), makePoint("edge", 1000 + t)];
        sent.push(...batch.filter((x) => x.kind === "anomaly"));
        await d.push(batch);
      }
    };
    await runFor(clock, d.idle, () => false, 45_000, 100, pushAt);
    await runFor(clock, d.idle, () => d.driver.depth === 0, 60_000);
    const got = r.events.get("edge") ?? [];
    expect([...new Set(got)].sort((a, b) => a - b)).toEqual(sent.map((x) => x.doc.agent.seq));
    const failed = r.statuses.filter((s) => s === 503).length;
    const firstOk = r.statuses.indexOf(204);
    expect(failed).toBeGreaterThanOrEqual(3);
    // The driver probes every second while the receiver is down and retries on the first good probe.
    expect(r.accepted[0].at - t0).toBeGreaterThanOrEqual(30_000);
    expect(r.accepted[0].at - t0).toBeLessThanOrEqual(31_500);
    expect(r.badSignatures).toBe(0);
    expect(d.driver.status()).toMatchObject({ dead: 0, dropped: 0, buffer_depth: 0 });
    expect(await d.telemetry.registry.getSingleMetricAsString("agent_component_errors_total")).toContain('error_type="http_503"');
    console.log(
      `[webhook] outage 30 s (virtual): ${sent.length} events sent, ${new Set(got).size} distinct received (${got.length - new Set(got).size} duplicates), ${failed} requests answered 503, first accepted request #${firstOk + 1} at ${((r.accepted[0].at - t0) / 1000).toFixed(1)} s, ${r.accepted.length} accepted requests`,
    );
    expect(await d.driver.stop(1000)).toBe(0);
  }, 120_000);

  test("rate limit: a burst of 200 events over 20 s becomes at most max_requests per interval, merged, none dropped", async () => {
    const clock = new VirtualClock(Date.now());
    const start = clock.now();
    const r = recv({ now: () => clock.now() });
    const d = await drive({ url: r.url, rateLimit: { maxRequests: 2, perMs: 10_000 } }, clock);
    const all = events("burst", 0, 200);
    // One event every 100 ms for 20 s.
    await runFor(
      clock,
      d.idle,
      () => false,
      20_000,
      100,
      async (t) => void (t % 100 === 0 && t / 100 < 200 ? await d.push([all[t / 100]]) : undefined),
    );
    await runFor(clock, d.idle, () => d.driver.depth === 0, 60_000);
    expect([...new Set(r.events.get("burst"))].sort((a, b) => a - b)).toEqual(all.map((x) => x.doc.agent.seq));
    // Bucket of 2, refilled 1 per 5 s: at most 2 + (elapsed / 5 s) requests.
    const last = r.accepted[r.accepted.length - 1].at;
    expect(r.accepted.length).toBeLessThanOrEqual(2 + Math.floor((last - start) / 5000));
    // In any 10 s window: the bucket's 2 plus the 2 tokens refilled in it.
    for (const a of r.accepted) expect(r.accepted.filter((b) => b.at > a.at - 10_000 && b.at <= a.at).length).toBeLessThanOrEqual(4);
    expect(r.accepted.length).toBeLessThan(12);
    expect(Math.max(...r.accepted.map((a) => a.count))).toBeGreaterThan(20);
    console.log(`[webhook] rate limit 2/10 s: 200 events in ${r.accepted.length} requests (${r.accepted.map((a) => a.count).join(", ")})`);
    await d.driver.stop(1000);
  }, 60_000);

  test("signature: HMAC-SHA256 over '<timestamp>.<body>'; a replayed old request is refused by the receiver", async () => {
    const r = recv();
    const sink = createWebhookSink({ id: "hook", url: r.url, secret: SECRET });
    expect((await sink.send([makeAnomaly("sig", 1)])).delivered).toBe(1);
    expect(r.accepted[0].delivery).toBe("sig:1-1");
    const body = JSON.stringify({ type: "anomaly_events", sent_at: "x", count: 1, opened: 1, closed: 0, events: [makeAnomaly("sig", 2).doc] });
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const replay = await fetch(r.url, { method: "POST", body, headers: { "x-agent-timestamp": old, "x-agent-signature": sign("s3cret", old, body) } });
    expect(replay.status).toBe(401);
    const now = String(Math.floor(Date.now() / 1000));
    const forged = await fetch(r.url, { method: "POST", body, headers: { "x-agent-timestamp": now, "x-agent-signature": sign("guess", now, body) } });
    expect(forged.status).toBe(401);
    expect(r.badSignatures).toBe(2);
  });

  test("4xx other than 408/429 halts with the receiver's reason, events kept; 408 and 429 are retried", async () => {
    for (const [status, said] of [
      [400, "bad payload"],
      [404, "no such hook"],
      [410, "hook deleted"],
      [413, "too large"],
      [401, "bad token"],
    ] as const) {
      const r = recv({ answer: () => new Response(said, { status }) });
      const sink = createWebhookSink({ id: "hook", url: r.url });
      const buffer = new MemoryBuffer();
      await buffer.attach(["hook"]);
      const driver = new SinkDriver(sink, buffer, { maxWaitMs: 10, backoff: { initialMs: 5, maxMs: 10 } }, new Telemetry({ defaultMetrics: false }), log);
      await driver.start();
      await buffer.append([makePoint("h", 1), makeAnomaly("h", 2)]);
      await waitFor(() => driver.status().state === "halted", { timeoutMs: 5000, what: `halted on ${status}` });
      expect(driver.status().halted_reason).toContain(`HTTP ${status}: ${said}`);
      const sends = r.statuses.length;
      expect(await driver.stop(0)).toBe(2);
      expect(r.statuses.length).toBe(sends);
    }
    for (const status of [408, 429]) {
      let n = 0;
      const r = recv({ secret: undefined, answer: () => (++n <= 2 ? new Response("later", { status }) : undefined) });
      const sink = createWebhookSink({ id: "hook", url: r.url });
      const buffer = new MemoryBuffer();
      await buffer.attach(["hook"]);
      const driver = new SinkDriver(sink, buffer, { maxWaitMs: 10, backoff: { initialMs: 5, maxMs: 10 } }, new Telemetry({ defaultMetrics: false }), log);
      await driver.start();
      await buffer.append([makeAnomaly("r", 1)]);
      await waitFor(() => driver.depth === 0, { timeoutMs: 5000, what: `delivered after ${status}s` });
      expect(r.statuses).toEqual([status, status, 204]);
      await driver.stop(0);
    }
  });

  test("hostile answers: a huge error body is read only up to 1 KiB; a secret file that is missing halts with its name", async () => {
    const huge = recv({ answer: () => new Response("x".repeat(5_000_000), { status: 400 }) });
    const r1 = await createWebhookSink({ id: "hook", url: huge.url }).send([makeAnomaly("h", 1)]);
    expect(r1.halt!.length).toBeLessThan(1300);
    const ok = recv();
    const r2 = await createWebhookSink({ id: "hook", url: ok.url, secret: { file: "/nonexistent/hook-secret" } }).send([makeAnomaly("h", 1)]);
    expect(r2.halt).toContain("cannot read secret file /nonexistent/hook-secret: ENOENT");
    expect(r2.retry).toHaveLength(1);
    expect(ok.statuses).toEqual([]);
    const r3 = await createWebhookSink({ id: "hook", url: ok.url }).send([makePoint("h", 1), makePoint("h", 2)]);
    expect([r3.delivered, ok.statuses.length]).toEqual([2, 0]);
  });
});
