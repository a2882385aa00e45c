/**
 * Benchmark: the record buffer between the scorer and the sinks.
 *
 *     bun scripts/bench/buffer.ts [--records 300000] [--series 10000] [--outage-s 300] [--runs 3]
 *
 * 1. Throughput: rounds of `--series` scored points (fresh documents each run, so JSON encoding
 *    is paid as in the agent) appended to the buffer and delivered by the real `SinkDriver` to one
 *    fast sink (no-op send) — records/s from the first append until every record is acknowledged.
 *    The next round is appended as soon as the sink has less than one round outstanding (a
 *    healthy agent at full speed: the sink keeps up, nothing piles up). Memory buffer (the
 *    baseline: the buffer "off") vs disk buffer with each fsync policy, runs interleaved, median
 *    of `--runs`. Reading a backlog back from disk is part 2.
 * 2. Outage: `--series` × 1 Hz for `--outage-s` seconds appended while the sink is down (disk,
 *    fsync interval, max_size large enough), then the sink comes back: drain rate with no new
 *    data, and time to catch up while new rounds keep arriving at 1 Hz.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { DiskBuffer, MemoryBuffer, type RecordBuffer } from "../../core/buffer/index.ts";
import type { OutRecord } from "../../core/events.ts";
import { SinkDriver } from "../../core/sinks/driver.ts";
import type { Sink } from "../../core/sinks/sink.ts";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { arg, conditions, si, table } from "./harness.ts";

const RECORDS = arg("records", 300_000);
const SERIES = arg("series", 10_000);
const OUTAGE_S = arg("outage-s", 300);
const RUNS = arg("runs", 3);
const log = pino({ level: "silent" });
let seq = 1;

/** One round: a scored point per series, shaped like the scorer's output. */
function round(n: number, t: number): OutRecord[] {
  const ts = new Date(t).toISOString();
  return Array.from({ length: n }, (_, i) => ({
    kind: "point" as const,
    doc: {
      "@timestamp": ts,
      agent: { id: "edge-01", seq: seq++ },
      host: { name: "edge-01.example.com" },
      metric: { name: "node_cpu_seconds_total", labels: { cpu: String(i % 64), mode: "user", series: `s${i}` } },
      value: Math.round(Math.random() * 1e6) / 1e3,
      anomaly: { score: Math.random() * 0.5, threshold: 0.5, is_anomaly: false },
      model: { name: "online:default", version: "1" },
      event: { kind: "metric" as const },
    },
  }));
}

function fastSink(): Sink & { got: number } {
  const s = {
    id: "fast",
    type: "file" as const,
    got: 0,
    start: async () => {},
    stop: async () => {},
    probe: async () => undefined,
    send: async (batch: OutRecord[]) => {
      for (const r of batch) s.got += (r.json ?? JSON.stringify(r.doc)).length > 0 ? 1 : 0;
      return { delivered: batch.length, retry: [], dead: [], errors: {} };
    },
  };
  return s;
}

function tempDir(): string {
  return join(mkdtempSync(join(tmpdir(), "bench-buffer-")), "buffer");
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await Bun.sleep(0);
}

type Kind = "memory" | "disk-never" | "disk-interval" | "disk-always";

async function open(kind: Kind, maxBytes: number): Promise<{ buffer: RecordBuffer; dir?: string }> {
  if (kind === "memory") return { buffer: new MemoryBuffer({ maxBytes }) };
  const dir = tempDir();
  const fsync = kind.slice(5) as "never" | "interval" | "always";
  return { buffer: await DiskBuffer.open({ dir, maxBytes, fsync }), dir };
}

/** Records/s through append → driver → fast sink → ack. */
async function throughput(kind: Kind): Promise<number> {
  const n = kind === "disk-always" ? Math.min(RECORDS, 100_000) : RECORDS;
  const rounds = Array.from({ length: Math.ceil(n / SERIES) }, (_, i) => round(Math.min(SERIES, n - i * SERIES), i * 1000));
  const { buffer, dir } = await open(kind, 2 * 1024 ** 3);
  await buffer.attach(["fast"]);
  const sink = fastSink();
  const driver = new SinkDriver(sink, buffer, { maxRecords: 500, maxWaitMs: 100 }, new Telemetry({ defaultMetrics: false }), log);
  await driver.start();
  const t0 = performance.now();
  for (const r of rounds) {
    await buffer.append(r);
    await until(() => buffer.depth("fast") < SERIES);
  }
  await until(() => buffer.depth("fast") === 0);
  const s = (performance.now() - t0) / 1000;
  await driver.stop();
  await buffer.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (sink.got !== n) throw new Error(`${kind}: delivered ${sink.got} of ${n}`);
  return n / s;
}

/** Fill a backlog of `OUTAGE_S` rounds with the sink down, then drain and catch up. */
async function outage(): Promise<string[][]> {
  const dir = tempDir();
  const buffer = await DiskBuffer.open({ dir, maxBytes: 8 * 1024 ** 3, fsync: "interval" });
  await buffer.attach(["fast"]);
  const t0 = performance.now();
  for (let i = 0; i < OUTAGE_S; i++) await buffer.append(round(SERIES, i * 1000));
  const fillS = (performance.now() - t0) / 1000;
  const backlog = buffer.depth("fast");
  const bytes = buffer.stats().bytes;
  // Pure drain: the sink comes back, nothing new arrives.
  const sink = fastSink();
  const driver = new SinkDriver(sink, buffer, { maxRecords: 500, maxWaitMs: 100 }, new Telemetry({ defaultMetrics: false }), log);
  const half = Math.floor(backlog / 2);
  await driver.start();
  const t1 = performance.now();
  await until(() => sink.got >= half);
  const drainS = (performance.now() - t1) / 1000;
  // Catch-up: the other half drains while a new round arrives every second.
  const t2 = performance.now();
  let live = 0;
  const producer = (async () => {
    while (buffer.depth("fast") > SERIES) {
      await buffer.append(round(SERIES, 0));
      live++;
      await Bun.sleep(1000);
    }
  })();
  await until(() => buffer.depth("fast") <= SERIES);
  const catchS = (performance.now() - t2) / 1000;
  await producer;
  await driver.stop();
  await buffer.close();
  rmSync(dir, { recursive: true, force: true });
  const rate = half / drainS;
  return [
    ["backlog", `${si(backlog)} records (${OUTAGE_S} s × ${si(SERIES)} series), ${(bytes / 1024 ** 2).toFixed(0)} MiB on disk`],
    ["append while down", `${fillS.toFixed(1)} s (${si(backlog / fillS)} records/s)`],
    ["drain, no new data", `${si(rate)} records/s → whole backlog in ${(backlog / rate).toFixed(1)} s`],
    ["catch up with 1 Hz rounds arriving", `${catchS.toFixed(1)} s for the second half (${live} new rounds appended meanwhile)`],
  ];
}

console.log(`# record buffer — ${conditions()}\n`);
const kinds: Kind[] = ["memory", "disk-never", "disk-interval", "disk-always"];
const results = new Map<Kind, number[]>(kinds.map((k) => [k, []]));
for (let r = 0; r < RUNS; r++) for (const k of kinds) results.get(k)!.push(await throughput(k));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(results.get("memory")!);
console.log(`Throughput: append → SinkDriver → one fast sink → ack, ${si(RECORDS)} records in rounds of ${si(SERIES)} (median of ${RUNS})\n`);
console.log(
  table(
    ["buffer", "records/s", "vs memory"],
    kinds.map((k) => {
      const m = median(results.get(k)!);
      return [k + (k === "disk-always" ? ` (${si(Math.min(RECORDS, 100_000))} records)` : ""), si(m), `${((m / base - 1) * 100).toFixed(0)}%`];
    }),
  ),
);
console.log(`\nOutage: disk buffer (fsync interval), sink down for ${OUTAGE_S} s at ${si(SERIES)} series × 1 Hz, then back\n`);
console.log(table(["", ""], await outage()));
