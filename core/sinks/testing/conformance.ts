/**
 * Test support: the conformance suite every sink runs (see README.md beside this file).
 *
 * Each check drives the sink through the real {@link SinkDriver} and a memory buffer, then reads
 * back what the destination holds:
 *
 * 1. a batch is acknowledged in the buffer only after the sink reported it delivered, and then
 *    the destination has every record;
 * 2. while the destination is unavailable the driver retries and keeps every record; once it
 *    is back (when the harness can bring it back) everything is delivered;
 * 3. refused credentials halt the sink, with every record kept;
 * 4. the driver's batch limits (records, bytes) are what the sink receives, and one large batch
 *    is delivered whole (the sink splits it into requests itself);
 * 5. stopping loses nothing: what is not at the destination is still in the buffer.
 *
 * A check the sink cannot show (no way to make it unauthorised...) is skipped with the reason
 * the harness gives, printed in the test name.
 * @module
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { MemoryBuffer } from "../../buffer/memory.ts";
import type { OutRecord } from "../../events.ts";
import { Telemetry } from "../../telemetry/metrics.ts";
import { waitFor } from "../../testing/wait-for.ts";
import { SinkDriver, type DriverOptions } from "../driver.ts";
import { makeBatch } from "./records.ts";
import type { SendResult, Sink } from "../sink.ts";

/** A sink whose destination is faulty, and how to end the fault (when the harness can). */
export interface FaultySink {
  sink: Sink;
  /** Makes the destination reachable again; the same sink must then deliver to the destination {@link SinkHarness.readBack} reads. */
  recover?: () => Promise<void>;
}

/** How the suite makes and observes one kind of sink. */
export interface SinkHarness {
  /** A fresh, working sink to the destination (not started). */
  make(): Promise<Sink> | Sink;
  /**
   * The `agent.seq` of every record with `agent.id` = `agentId` the destination holds now, in
   * any order, duplicates included (delivery is at least once). Called after the sink stopped.
   */
  readBack(agentId: string): Promise<number[]>;
  /** A sink whose destination is unreachable (not started), or why the harness cannot make one. */
  unavailable: (() => Promise<FaultySink>) | string;
  /** A sink whose credentials the destination refuses (not started), or why the harness cannot make one. */
  unauthorised: (() => Promise<FaultySink>) | string;
  /**
   * Which records the destination holds (default every one): a sink that delivers only anomaly
   * events (alertmanager, webhook) says so, and `readBack` is compared with those records only.
   * Every record is still acknowledged (the others need no request).
   */
  holds?: (record: OutRecord) => boolean;
  /** How long a check waits for delivery, ms (default 30 000). */
  timeoutMs?: number;
  /** Called once before the checks (create topics, check the service is up: throw to fail them). */
  setup?(): Promise<void>;
  /** Called once after every check (close clients, remove topics or files). */
  teardown?(): Promise<void>;
}

/** Delivery options of the driver in the checks: short waits and backoffs, real time. */
const FAST: Partial<DriverOptions> = { maxWaitMs: 20, backoff: { initialMs: 10, maxMs: 50 }, probeEveryMs: 20 };

const log = pino({ level: "silent" });
const run = `${Date.now().toString(36)}${process.pid}`;
const seqs = (records: OutRecord[]) => records.map((r) => r.doc.agent.seq);
/** The seqs of the records the destination of `h` holds. */
const held = (h: SinkHarness, records: OutRecord[]) => seqs(h.holds ? records.filter(h.holds) : records);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

/** A memory buffer that counts what each `ack` acknowledged. */
class AckCountingBuffer extends MemoryBuffer {
  acked = 0;
  /** Set by each ack: acknowledged so far ≤ this, or the check fails. */
  onAck: (total: number) => void = () => {};
  override ack(sinkId: string, upTo: number): void {
    const before = this.depth(sinkId);
    super.ack(sinkId, upTo);
    this.acked += before - this.depth(sinkId);
    this.onAck(this.acked);
  }
}

/** The sink, spied: every batch handed to `send` and every result. */
function spy(sink: Sink) {
  const batches: OutRecord[][] = [];
  const results: SendResult[] = [];
  let settled = 0;
  const wrapped: Sink = {
    id: sink.id,
    type: sink.type,
    start: () => sink.start(),
    stop: () => sink.stop(),
    probe: () => sink.probe(),
    send: async (batch) => {
      batches.push([...batch]);
      const r = await sink.send(batch);
      results.push(r);
      settled += r.delivered + r.dead.length;
      return r;
    },
  };
  return { sink: wrapped, batches, results, settled: () => settled };
}

/** A started driver for `sink` on an {@link AckCountingBuffer}. */
async function drive(sink: Sink, options: Partial<DriverOptions> = {}) {
  const buffer = new AckCountingBuffer();
  await buffer.attach([sink.id]);
  const driver = new SinkDriver(sink, buffer, { ...FAST, ...options }, new Telemetry({ defaultMetrics: false }), log);
  await driver.start();
  return { buffer, driver, push: (records: OutRecord[]) => buffer.append(records) };
}

/**
 * Registers the conformance checks of one sink kind as a `describe` block.
 *
 * @example
 * runSinkConformance("file", {
 *   make: () => createFileSink({ id: "f", path }),
 *   readBack: async (agentId) => readLines(path).filter((d) => d.agent.id === agentId).map((d) => d.agent.seq),
 *   unavailable: async () => ({ sink: createFileSink({ id: "f", path: blockedPath }), recover: unblock }),
 *   unauthorised: "a file has no credentials",
 * });
 */
export function runSinkConformance(name: string, harness: SinkHarness): void {
  describe(`sink conformance: ${name}`, () => {
    let ready: Promise<void> = Promise.resolve();
    const h = async () => (await ready, harness);
    const timeout = 60_000;
    const agent = (check: string) => `conf-${name}-${check}-${run}`;
    beforeAll(() => {
      ready = harness.setup?.() ?? Promise.resolve();
      ready.catch(() => {}); // reported by each check
    });
    afterAll(async () => {
      await harness.teardown?.();
    });
    /** A check, or a skipped one naming why the harness cannot show it. */
    const faultTest = (title: string, fault: string | unknown, fn: () => Promise<void>) =>
      typeof fault === "string" ? test.skip(`${title} (not checked: ${fault})`, fn) : test(title, fn, timeout);

    test(
      "acknowledges records only after the sink delivered them; the destination then has them all",
      async () => {
        const hs = await h();
        const s = spy(await hs.make());
        const { buffer, driver, push } = await drive(s.sink, { maxRecords: 40 });
        const violations: string[] = [];
        buffer.onAck = (total) => {
          if (total > s.settled()) violations.push(`acknowledged ${total} records, the sink had settled ${s.settled()}`);
        };
        const records = makeBatch(agent("ack"), 200);
        await push(records);
        await waitFor(() => driver.depth === 0, { timeoutMs: hs.timeoutMs ?? 30_000, what: "every record acknowledged" });
        expect(await driver.stop(5000)).toBe(0);
        expect(violations).toEqual([]);
        expect(buffer.acked).toBe(200);
        expect(sorted([...new Set(await hs.readBack(agent("ack")))])).toEqual(held(hs, records));
      },
      timeout,
    );

    faultTest("retries while the destination is unavailable, keeping every record; delivers them once it is back", harness.unavailable, async () => {
      const hs = await h();
      const faulty = await (hs.unavailable as () => Promise<FaultySink>)();
      const s = spy(faulty.sink);
      const { buffer, driver, push } = await drive(s.sink);
      const records = makeBatch(agent("unavailable"), 30);
      await push(records);
      await waitFor(() => s.results.length >= 2, { timeoutMs: hs.timeoutMs ?? 30_000, what: "two failed sends" });
      expect(driver.status()).toMatchObject({ delivered: 0, buffer_depth: 30 });
      expect(driver.status().state).toBe("retrying");
      expect(driver.status().retries).toBeGreaterThanOrEqual(30);
      expect(s.results.every((r) => r.delivered === 0 && r.retry.length > 0 && !r.halt)).toBe(true);
      expect(buffer.acked).toBe(0);
      if (!faulty.recover) {
        expect(await driver.stop(0)).toBe(30);
        return void console.log(`[${name}] unavailable: recovery not checked (the harness cannot bring the destination back)`);
      }
      await faulty.recover();
      await waitFor(() => driver.depth === 0, { timeoutMs: hs.timeoutMs ?? 30_000, what: "delivery after recovery" });
      expect(await driver.stop(5000)).toBe(0);
      expect(driver.status().delivered).toBe(30);
      expect(sorted([...new Set(await hs.readBack(agent("unavailable")))])).toEqual(held(hs, records));
    });

    faultTest("halts when the destination refuses the credentials, keeping every record", harness.unauthorised, async () => {
      const hs = await h();
      const faulty = await (hs.unauthorised as () => Promise<FaultySink>)();
      const s = spy(faulty.sink);
      const { buffer, driver, push } = await drive(s.sink);
      await push(makeBatch(agent("auth"), 30));
      await waitFor(() => driver.status().state === "halted", { timeoutMs: hs.timeoutMs ?? 30_000, what: "halted" });
      const sends = s.batches.length;
      expect(driver.status().halted_reason).toBeTruthy();
      expect(driver.status()).toMatchObject({ delivered: 0, buffer_depth: 30 });
      expect(buffer.acked).toBe(0);
      expect(await driver.stop(0)).toBe(30);
      expect(s.batches.length).toBe(sends); // nothing more was sent once halted
    });

    test(
      "receives batches within the driver's limits and delivers a large batch whole",
      async () => {
        const hs = await h();
        const s = spy(await hs.make());
        const records = makeBatch(agent("limits"), 300);
        const maxBytes = records.slice(0, 25).reduce((n, r) => n + JSON.stringify(r.doc).length, 0);
        const { driver, push } = await drive(s.sink, { maxRecords: 40, maxBytes });
        await push(records);
        await waitFor(() => driver.depth === 0, { timeoutMs: hs.timeoutMs ?? 30_000, what: "every record acknowledged" });
        await driver.stop(5000);
        expect(s.batches.length).toBeGreaterThanOrEqual(300 / 40);
        for (const b of s.batches) {
          expect(b.length).toBeLessThanOrEqual(40);
          expect(b.reduce((n, r) => n + JSON.stringify(r.doc).length, 0)).toBeLessThanOrEqual(maxBytes);
        }
        expect(sorted(s.batches.flatMap(seqs))).toEqual(seqs(records));
        // One batch far over any request limit of the sink: delivered whole in one send.
        const big = makeBatch(agent("limits"), 5000, 300);
        const sink = await hs.make();
        await sink.start();
        const r = await sink.send(big);
        await sink.stop();
        expect({ delivered: r.delivered, retry: r.retry.length, dead: r.dead.length }).toEqual({ delivered: 5000, retry: 0, dead: 0 });
        expect(sorted([...new Set(await hs.readBack(agent("limits")))])).toEqual(held(hs, [...records, ...big]));
      },
      timeout,
    );

    test(
      "stopping loses no record: what is not at the destination is still in the buffer",
      async () => {
        const hs = await h();
        // Stop at once (no draining): the batch in flight is awaited; the rest stays in the buffer.
        const quick = await drive(await hs.make(), { maxRecords: 50 });
        const records = makeBatch(agent("close"), 500);
        await quick.push(records);
        const left = await quick.driver.stop(0);
        const keptRecords = quick.buffer.read(quick.driver.sink.id, 10_000, 1 << 30).records;
        expect(keptRecords.length).toBe(left);
        const there = await hs.readBack(agent("close"));
        expect(sorted([...new Set([...there, ...held(hs, keptRecords)])])).toEqual(held(hs, records));
        // Stop with time to drain: everything reaches the destination.
        const more = makeBatch(agent("close"), 500, 500);
        const drain = await drive(await hs.make(), { maxRecords: 50 });
        await drain.push(more);
        expect(await drain.driver.stop(20_000)).toBe(0);
        const all = new Set(await hs.readBack(agent("close")));
        expect(held(hs, more).filter((q) => !all.has(q))).toEqual([]);
      },
      timeout,
    );
  });
}
