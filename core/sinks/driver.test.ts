import { expect, test } from "bun:test";
import pino from "pino";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryBuffer } from "../buffer/memory.ts";
import { DiskBuffer } from "../buffer/disk/disk.ts";
import type { RecordBuffer } from "../buffer/buffer.ts";
import type { OutRecord } from "../events.ts";
import { Telemetry } from "../telemetry/metrics.ts";
import { VirtualClock } from "../testing/virtual-clock.ts";
import { waitFor } from "../testing/wait-for.ts";
import { SinkDriver, type DriverOptions } from "./driver.ts";
import type { SendResult, Sink } from "./sink.ts";

const log = pino({ level: "silent" });
const rec = (seq: number): OutRecord => ({
  kind: "point",
  doc: {
    "@timestamp": new Date(0).toISOString(),
    agent: { id: "a", seq },
    host: { name: "h" },
    metric: { name: "m", labels: {} },
    value: seq,
    anomaly: { score: 0, threshold: 0.5, is_anomaly: false },
    model: { name: "x", version: "1" },
    event: { kind: "metric" },
  },
});

/** A sink whose probe always succeeds; send number n (from 1) answers `failure(batch, n)`, or delivers when that is undefined. Send times (on `clock`) in `sends`. */
function reachableSink(failure: (batch: OutRecord[], n: number) => SendResult | undefined, clock?: VirtualClock): { sink: Sink; sends: number[] } {
  const sends: number[] = [];
  const sink: Sink = {
    id: "fake",
    type: "file",
    start: async () => {},
    stop: async () => {},
    probe: async () => undefined,
    send: async (batch) => {
      sends.push(clock ? clock.monotonic() : 0);
      return failure(batch, sends.length) ?? { delivered: batch.length, retry: [], dead: [], errors: {} };
    },
  };
  return { sink, sends };
}

/** A scripted sink: each send consumes the next behaviour ("ok" | "retry" | "halt" | "dead"). */
function fakeSink(script: string[]) {
  const got: number[] = [];
  const batches: number[] = [];
  const { sink } = reachableSink((batch): SendResult | undefined => {
    const what = script.shift() ?? "ok";
    batches.push(batch.length);
    if (what === "retry") return { delivered: 0, retry: batch, dead: [], errors: { http_503: 1 } };
    if (what === "halt") return { delivered: 0, retry: batch, dead: [], halt: "401 unauthorized", errors: { http_401: 1 } };
    if (what === "dead") return { delivered: batch.length - 1, retry: [], dead: [{ record: batch[0], reason: "400 mapping" }], errors: { mapping_error: 1 } };
    for (const r of batch) got.push(r.doc.agent.seq);
    return undefined;
  });
  return { sink, got, batches };
}

const fast = { maxWaitMs: 20, backoff: { initialMs: 5, maxMs: 20 } };

/**
 * A driver for `sink` on virtual time, reading from a fresh memory buffer (or `buffer`).
 * `stop(ms)` stops it and runs the clock until the stop is done; returns the records left.
 */
async function driverFor(
  sink: Sink,
  options: Partial<Omit<DriverOptions, "clock">> & { clock?: VirtualClock },
  t: Telemetry,
  buffer: RecordBuffer = new MemoryBuffer(),
) {
  const clock = options.clock ?? new VirtualClock();
  await buffer.attach([sink.id]);
  const d = new SinkDriver(sink, buffer, { ...options, clock }, t, log);
  const push = async (records: OutRecord[]) => {
    const r = await buffer.append(records);
    if (r.dropped) d.noteDropped(records.slice(r.accepted), r.reason!);
  };
  const stop = async (ms: number) => {
    let left: number | undefined;
    void d.stop(ms).then((n) => (left = n));
    await clock.runUntil(() => left !== undefined, ms + 1);
    return left!;
  };
  return { d, buffer, push, clock, stop };
}

test("retries transient failures and delivers everything once, in order", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  const f = fakeSink(["retry", "retry", "ok"]);
  const { d, push, stop } = await driverFor(f.sink, { ...fast, maxRecords: 10 }, t);
  await d.start();
  await push(Array.from({ length: 25 }, (_, i) => rec(i + 1)));
  const left = await stop(2000);
  expect(left).toBe(0);
  expect(f.got).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  expect(d.status()).toMatchObject({ delivered: 25, retries: 20, dropped: 0, state: "stopped" });
  expect(Math.max(...f.batches)).toBeLessThanOrEqual(10);
  expect(await t.registry.getSingleMetricAsString("agent_component_errors_total")).toContain('error_type="http_503"} 2');
});

test("a halted sink keeps its data (unacknowledged in the buffer) and stops sending", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  const f = fakeSink(["halt"]);
  const { d, buffer, push, clock, stop } = await driverFor(f.sink, fast, t);
  await d.start();
  await push([rec(1), rec(2)]);
  await clock.runUntil(() => d.status().state === "halted");
  await clock.advance(60_000);
  expect(d.status().state).toBe("halted");
  expect(f.batches.length).toBe(1);
  const left = await stop(200);
  expect(left).toBe(2);
  expect(buffer.read("fake", 10, 1 << 20).records.map((r) => r.doc.agent.seq)).toEqual([1, 2]);
});

test("a partial retry re-sends only the failed records, then acknowledges the batch", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  const sent: number[][] = [];
  let first = true;
  const sink: Sink = {
    ...fakeSink([]).sink,
    send: async (batch): Promise<SendResult> => {
      sent.push(batch.map((r) => r.doc.agent.seq));
      if (first) {
        first = false;
        return { delivered: 2, retry: batch.slice(2), dead: [], errors: { http_429: 1 } };
      }
      return { delivered: batch.length, retry: [], dead: [], errors: {} };
    },
  };
  const { d, buffer, push, stop } = await driverFor(sink, { ...fast, maxRecords: 4 }, t);
  await d.start();
  await push([rec(1), rec(2), rec(3), rec(4)]);
  await stop(1000);
  expect(sent).toEqual([
    [1, 2, 3, 4],
    [3, 4],
  ]);
  expect(buffer.depth("fake")).toBe(0);
});

test("with a durable buffer, stopping a failing sink returns at once and leaves its records in the buffer", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  const f = fakeSink(Array(100).fill("retry"));
  const dir = join(mkdtempSync(join(tmpdir(), "agent-driver-")), "buffer");
  const buffer = await DiskBuffer.open({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 16, fsync: "never" });
  const { d, push, clock } = await driverFor(f.sink, { ...fast, backoff: { initialMs: 5_000, maxMs: 5_000 } }, t, buffer);
  await d.start();
  await push([rec(1), rec(2), rec(3)]);
  await waitFor(() => d.status().state === "retrying");
  const t0 = clock.monotonic();
  let left: number | undefined;
  void d.stop(10_000).then((n) => (left = n));
  // The clock is not advanced: the stop must not wait out the backoff nor its 10 s deadline.
  await waitFor(() => left !== undefined, { timeoutMs: 5000, what: "stop without waiting" });
  expect(left).toBe(3);
  expect(clock.monotonic()).toBe(t0);
  await buffer.close();
});

test("only: records the sink does not take are acknowledged without being sent", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  const f = fakeSink([]);
  const { d, buffer, push, stop } = await driverFor(f.sink, { ...fast, only: "anomalies" }, t);
  await d.start();
  const anomaly = { ...rec(2), kind: "anomaly" } as unknown as OutRecord;
  await push([rec(1), anomaly, rec(3)]);
  await stop(1000);
  expect(f.got).toEqual([2]);
  expect(buffer.depth("fake")).toBe(0);
});

test("rejected records are counted as dead, a full buffer drops and counts the newest", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  const f = fakeSink(["dead"]);
  const size = JSON.stringify(rec(1).doc).length;
  const buffer = new MemoryBuffer({ maxBytes: size * 3 + 1, whenFull: "drop_newest" });
  const { d, push, stop } = await driverFor(f.sink, fast, t, buffer);
  await push([rec(1), rec(2), rec(3), rec(4), rec(5)]);
  await d.start();
  await stop(1000);
  expect(d.status()).toMatchObject({ dead: 1, delivered: 2, dropped: 2 });
  const dropped = await t.registry.getSingleMetricAsString("agent_dropped_total");
  expect(dropped).toContain('reason="buffer_full"} 2');
  expect(dropped).toContain('reason="rejected"} 1');
});

test("batches by bytes as well as by count", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  const f = fakeSink([]);
  const size = JSON.stringify(rec(1).doc).length;
  const { d, push, stop } = await driverFor(f.sink, { ...fast, maxRecords: 100, maxBytes: size * 3 + 1 }, t);
  await d.start();
  await push(Array.from({ length: 9 }, (_, i) => rec(i + 1)));
  await stop(1000);
  expect(f.batches).toEqual([3, 3, 3]);
});

test("after an outage the batch is retried as soon as a probe succeeds again, not after the whole backoff", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  let down = true;
  let probes = 0;
  const got: number[] = [];
  const sink: Sink = {
    id: "fake",
    type: "file",
    start: async () => {},
    stop: async () => {},
    probe: async () => (probes++, down ? "connection refused" : undefined),
    send: async (batch): Promise<SendResult> => {
      if (down) return { delivered: 0, retry: batch, dead: [], errors: { connection_error: 1 } };
      got.push(...batch.map((r) => r.doc.agent.seq));
      return { delivered: batch.length, retry: [], dead: [], errors: {} };
    },
  };
  // A first retry waits 5-10 s: without the probe the batch would wait that long.
  const { d, push, clock, stop } = await driverFor(sink, { maxWaitMs: 20, backoff: { initialMs: 10_000, maxMs: 10_000 }, probeEveryMs: 50 }, t);
  await d.start();
  await push([rec(1), rec(2)]);
  await clock.advance(200);
  expect(d.status().state).toBe("retrying");
  expect(got).toEqual([]);
  const upAt = clock.monotonic();
  down = false;
  await clock.runUntil(() => got.length >= 2, 5000);
  expect(got).toEqual([1, 2]);
  expect(clock.monotonic() - upAt).toBeLessThanOrEqual(50); // the next probe, not the 5-10 s backoff
  expect(probes).toBeGreaterThan(1);
  await stop(100);
});

test("a sink that stays reachable (429: its probe succeeds) keeps the full backoff", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  const clock0 = new VirtualClock();
  const { sink, sends } = reachableSink((batch, n) => (n === 1 ? { delivered: 0, retry: batch, dead: [], errors: { http_429: 1 } } : undefined), clock0);
  const { d, push, stop } = await driverFor(
    sink,
    { maxWaitMs: 20, backoff: { initialMs: 600, maxMs: 600, random: () => 0 }, probeEveryMs: 50, clock: clock0 },
    t,
  );
  await d.start();
  await push([rec(1)]);
  await clock0.runUntil(() => sends.length >= 2);
  expect(sends[1] - sends[0]).toBe(300); // backoff is uniform in [300, 600] ms: 300 with random() = 0, not cut short by a probe
  await stop(100);
});

test("a destination still starting (503 while its probe succeeds) is retried at the next probe, not after the whole backoff", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  const clock0 = new VirtualClock();
  const { sink, sends } = reachableSink(
    (batch, n) => (n <= 2 ? { delivered: 0, retry: batch, dead: [], errors: { http_503: batch.length }, unavailable: true } : undefined),
    clock0,
  );
  // Without the probe, each retry would wait 5-10 s.
  const { d, push, stop } = await driverFor(sink, { maxWaitMs: 20, backoff: { initialMs: 10_000, maxMs: 10_000 }, probeEveryMs: 50, clock: clock0 }, t);
  await d.start();
  await push([rec(1)]);
  await clock0.runUntil(() => sends.length >= 3, 20_000);
  expect(sends.length).toBe(3);
  expect(sends[2] - sends[0]).toBe(100); // one probe interval per retry
  expect(d.status().delivered).toBe(1);
  await stop(100);
});
