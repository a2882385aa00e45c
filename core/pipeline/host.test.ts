/**
 * The host model through the whole round: rounds of a member source are buffered, the model
 * trains in the background while rounds go on, and a change of the vector becomes an
 * `agent.host` anomaly event with contributors in the sink, `host` in the status and
 * `agent_host_model_*` on /metrics.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { createOnlineModel } from "../../models/online/default.ts";
import { HOST_ANOMALY_METRIC, isAnomalyEvent, type AnomalyOutRecord } from "../events.ts";
import { waitFor } from "../testing/wait-for.ts";
import { Pipeline } from "./pipeline.ts";
import { MemorySink } from "./testing/memory-sink.ts";
import { ShiftingSource } from "./testing/shifting-source.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("host model through the pipeline", () => {
  test("trains on the source's rounds off the scoring path, then ships an agent.host event naming the shifted series", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pipeline-host-"));
    dirs.push(dir);
    const sink = new MemorySink("mem");
    const source = new ShiftingSource("shifting", 1, 6, { changeAt: 400, shift: 6, changed: (i) => i < 2 });
    const p = new Pipeline({
      agentId: "t",
      hostName: "h",
      dataDir: join(dir, "var"),
      buffer: { type: "memory", maxBytes: 64 << 20, whenFull: "block" },
      sources: [source],
      sinks: [{ id: sink.id, driver: { maxWaitMs: 10 }, create: () => sink }],
      model: createOnlineModel("online:default"),
      host: { enabled: true, sources: ["shifting"], topK: 2, minRounds: 200, retrainMs: 0, bufferBytes: 1 << 20, train: { epochs: 40 } },
      log: pino({ level: "silent" }),
    });
    await p.start();
    try {
      await waitFor(() => p.status().host?.trained === true, { timeoutMs: 20_000 });
      const trainedAt = source.rounds;
      const host = () => sink.records.filter((r): r is AnomalyOutRecord => isAnomalyEvent(r) && r.doc.metric.name === HOST_ANOMALY_METRIC);
      await waitFor(() => source.rounds > 400 && host().some((r) => r.doc.anomaly.state === "open" && r.doc.anomaly.contributors!.length === 2), {
        timeoutMs: 20_000,
      });
      const first = host()[0].doc;
      expect(first.metric.labels).toEqual({ group: "shifting" });
      expect(first.anomaly.contributors!.map((c) => c.name).sort()).toEqual(["shifting.value{series=0}", "shifting.value{series=1}"]);
      expect(Date.parse(first["@timestamp"])).toBeGreaterThanOrEqual(Date.UTC(2026, 0, 1) + 400_000);
      // rounds went on while it trained
      expect(trainedAt).toBeGreaterThan(200);
      const st = p.status().host!;
      expect(st).toMatchObject({ trained: true, origin: "learned", metrics: 6, error: null });
      expect(st.events).toBeGreaterThanOrEqual(1);
      const text = await p.telemetry.registry.metrics();
      expect(text).toMatch(/agent_host_model_trained 1/);
      expect(text).toMatch(/agent_host_model_events_total\{state="open"\} [1-9]/);
      // seqs stay unique with the host events among the records
      const seqs = sink.records.map((r) => r.doc.agent.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
    } finally {
      await p.stop();
    }
  }, 60_000);
});
