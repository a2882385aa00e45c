import { expect, test } from "bun:test";
import pino from "pino";
import type { OutRecord } from "../events.ts";
import { Telemetry } from "../telemetry/metrics.ts";
import { SinkDriver } from "./driver.ts";
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

/** A scripted sink: each send consumes the next behaviour ("ok" | "retry" | "halt" | "dead"). */
function fakeSink(script: string[]) {
  const got: number[] = [];
  const batches: number[] = [];
  const sink: Sink = {
    id: "fake",
    type: "file",
    start: async () => {},
    stop: async () => {},
    probe: async () => undefined,
    send: async (batch): Promise<SendResult> => {
      const what = script.shift() ?? "ok";
      batches.push(batch.length);
      if (what === "retry") return { delivered: 0, retry: batch, dead: [], errors: { http_503: 1 } };
      if (what === "halt") return { delivered: 0, retry: batch, dead: [], halt: "401 unauthorized", errors: { http_401: 1 } };
      if (what === "dead") return { delivered: batch.length - 1, retry: [], dead: [{ record: batch[0], reason: "400 mapping" }], errors: { mapping_error: 1 } };
      for (const r of batch) got.push(r.doc.agent.seq);
      return { delivered: batch.length, retry: [], dead: [], errors: {} };
    },
  };
  return { sink, got, batches };
}

const fast = { maxWaitMs: 20, backoff: { initialMs: 5, maxMs: 20 } };

test("retries transient failures and delivers everything once, in order", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  const f = fakeSink(["retry", "retry", "ok"]);
  const d = new SinkDriver(f.sink, { ...fast, maxRecords: 10 }, t, log);
  await d.start();
  d.push(Array.from({ length: 25 }, (_, i) => rec(i + 1)));
  const left = await d.stop(2000);
  expect(left).toEqual([]);
  expect(f.got).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  expect(d.status()).toMatchObject({ delivered: 25, retries: 20, dropped: 0, state: "stopped" });
  expect(Math.max(...f.batches)).toBeLessThanOrEqual(10);
  expect(await t.registry.getSingleMetricAsString("agent_component_errors_total")).toContain('error_type="http_503"} 2');
});

test("a halted sink keeps its data and stops sending", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  const f = fakeSink(["halt"]);
  const d = new SinkDriver(f.sink, fast, t, log);
  await d.start();
  d.push([rec(1), rec(2)]);
  await Bun.sleep(100);
  expect(d.status().state).toBe("halted");
  expect(f.batches.length).toBe(1);
  const left = await d.stop(200);
  expect(left.map((r) => r.doc.agent.seq)).toEqual([1, 2]);
});

test("rejected records are counted as dead, a full queue drops and counts the newest", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  const f = fakeSink(["dead"]);
  const d = new SinkDriver(f.sink, { ...fast, maxQueue: 3 }, t, log);
  await d.start();
  d.push([rec(1), rec(2), rec(3), rec(4), rec(5)]);
  await d.stop(1000);
  expect(d.status()).toMatchObject({ dead: 1, delivered: 2, dropped: 2 });
  const dropped = await t.registry.getSingleMetricAsString("agent_dropped_total");
  expect(dropped).toContain('reason="queue_full"} 2');
  expect(dropped).toContain('reason="rejected"} 1');
});

test("batches by bytes as well as by count", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  const f = fakeSink([]);
  const size = JSON.stringify(rec(1).doc).length;
  const d = new SinkDriver(f.sink, { ...fast, maxRecords: 100, maxBytes: size * 3 + 1 }, t, log);
  await d.start();
  d.push(Array.from({ length: 9 }, (_, i) => rec(i + 1)));
  await d.stop(1000);
  expect(f.batches).toEqual([3, 3, 3]);
});
