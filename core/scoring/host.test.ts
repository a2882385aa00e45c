import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng } from "../../data/random.ts";
import type { AnomalyRecord, MetricSample } from "../events.ts";
import { HOST_ANOMALY_METRIC } from "../events.ts";
import { serializeHostModel } from "../../models/host/format.ts";
import { HostScoring, type HostSettings } from "./host.ts";

const HYST = { open: 0.5, close: 0.4, minPoints: 1 };
const PROCFS = { id: "host", type: "procfs" };

/** A procfs-like round: CPU busy share `busy` with idle = 1 − busy, a disk whose bytes follow its ops, a reads counter. */
function round(i: number, busy: number, ops: number, bytesPerOp = 4096, t0 = 1_700_000_000_000): MetricSample[] {
  const ts = t0 + i * 5000;
  const s = (name: string, value: number, labels: Record<string, string> = {}, type?: MetricSample["type"]): MetricSample => ({
    name,
    labels,
    value,
    timestamp: ts,
    type,
  });
  return [
    s("cpu.user", busy),
    s("cpu.idle", 1 - busy),
    s("disk.writes_per_sec", ops, { device: "vda" }),
    s("disk.write_bytes_per_sec", ops * bytesPerOp, { device: "vda" }),
    s("disk.writes", i * 50, { device: "vda" }, "counter"),
    s("disk.writes_per_sec_total", i * 3, {}, "counter"),
  ];
}

function settings(o: Partial<HostSettings> = {}): HostSettings {
  return { enabled: true, topK: 3, minRounds: 60, retrainMs: 0, bufferBytes: 1 << 20, train: { epochs: 150 }, trainBudget: 1, ...o };
}

function normalRounds(h: HostScoring, from: number, to: number, seed = 1) {
  const rng = createRng(seed);
  const ctx = { agentId: "a", hostName: "h", take: () => 0 };
  const out = [];
  for (let i = from; i < to; i++) out.push(...h.round(PROCFS, round(i, 0.1 + 0.3 * rng.next(), 5 + 20 * rng.next()), i * 5000, ctx));
  return out;
}

describe("HostScoring (scoring.host)", () => {
  test("buffers procfs rounds, trains once min_rounds are there, then opens and closes an event naming the broken pair", async () => {
    const h = new HostScoring(settings(), HYST);
    expect(h.member("host", "procfs")).toBe(true);
    expect(h.member("gen", "synthetic")).toBe(false);
    expect(normalRounds(h, 0, 59)).toEqual([]);
    expect(h.status()).toMatchObject({ trained: false, training: false, rows: 59 });
    normalRounds(h, 59, 60);
    expect(h.status().training).toBe(true);
    await h.settled();
    const st = h.status();
    expect(st).toMatchObject({ trained: true, origin: "learned", error: null });
    // the redundant counter (disk.writes beside disk.writes_per_sec) is left out; the other counter is a rate
    expect(h.current!.names).not.toContain("disk.writes{device=vda}");
    expect(h.current!.names).toContain("disk.writes_per_sec_total");
    expect(normalRounds(h, 60, 100, 2).length).toBeLessThanOrEqual(2);
    let seq = 100;
    const ctx = { agentId: "a", hostName: "h", take: () => seq++ };
    // many write ops with few bytes each: each series inside its range, the relation broken
    const opened = h.round(PROCFS, round(100, 0.2, 24, 860), 100 * 5000, ctx);
    expect(opened).toHaveLength(1);
    const doc = opened[0].doc as AnomalyRecord;
    expect(doc.metric).toEqual({ name: HOST_ANOMALY_METRIC, labels: { group: "host" } });
    expect(doc.anomaly.state).toBe("open");
    expect(doc.agent.seq).toBe(100);
    expect(doc.anomaly.contributors!.map((c) => c.name)).toContain("disk.write_bytes_per_sec{device=vda}");
    expect(h.status().open).toBe(true);
    expect(h.status().last_contributors.length).toBe(3);
    const closed = normalRounds(h, 101, 110, 3).map((r) => r.doc as AnomalyRecord);
    expect(closed[0]?.anomaly.state).toBe("close");
    expect(closed[0]?.anomaly.contributors).toEqual(doc.anomaly.contributors);
  });

  test("a model file is loaded instead of learning; a corrupt one is refused with the reason in status", async () => {
    const learner = new HostScoring(settings(), HYST);
    normalRounds(learner, 0, 60);
    await learner.settled();
    const dir = mkdtempSync(join(tmpdir(), "host-"));
    writeFileSync(join(dir, "good.json"), serializeHostModel(learner.current!));
    writeFileSync(join(dir, "bad.json"), '{"format":"host-ae","version":1,"names":[]}');
    const loaded = new HostScoring(settings({ modelFile: join(dir, "good.json") }), HYST);
    expect(loaded.status()).toMatchObject({ trained: true, origin: "file", error: null });
    normalRounds(loaded, 0, 70);
    expect(loaded.status().training).toBe(false);
    expect(loaded.status().last_score).not.toBeNull();
    const bad = new HostScoring(settings({ modelFile: join(dir, "bad.json") }), HYST);
    expect(bad.status().trained).toBe(false);
    expect(bad.status().error).toMatch(/refused: host model file: names/);
  });

  test("a source opts in by label; its samples join the vector without triggering a round", () => {
    const h = new HostScoring(settings({ label: "host_vector=yes" }), HYST);
    const ctx = { agentId: "a", hostName: "h", take: () => 0 };
    const app: MetricSample = { name: "app.queue", labels: { host_vector: "yes" }, value: 3, timestamp: 1, type: "gauge" };
    const other: MetricSample = { name: "app.other", labels: {}, value: 3, timestamp: 1, type: "gauge" };
    expect(h.round({ id: "prom", type: "prometheus" }, [app, other], 0, ctx)).toEqual([]);
    expect(h.status().rows).toBe(0);
    h.round(PROCFS, round(0, 0.1, 5), 0, ctx);
    expect(h.status().rows).toBe(1);
  });

  test("a label-joined counter keeps its rate across the member source's rounds", async () => {
    const h = new HostScoring(settings({ label: "host_vector", minRounds: 40 }), HYST);
    const ctx = { agentId: "a", hostName: "h", take: () => 0 };
    const rng = createRng(4);
    for (let i = 0; i < 40; i++) {
      h.round(
        { id: "prom", type: "prometheus" },
        [{ name: "req_total", labels: { host_vector: "1" }, value: i * 50, timestamp: i * 5000, type: "counter" }],
        i * 5000,
        ctx,
      );
      h.round(PROCFS, round(i, 0.1 + 0.3 * rng.next(), 5 + 20 * rng.next()), i * 5000, ctx);
    }
    await h.settled();
    // present in ≥ 90 % of the rounds: a rate (10/s), not NaN after every procfs round
    expect(h.current!.names).toContain("req_total{host_vector=1}");
  });
});

describe("HostScoring: a learned model survives a restart", () => {
  test("kept at statePath after training and loaded at the next start (no new buffering); a damaged one is learned again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "host-keep-"));
    const statePath = join(dir, "host-model.json");
    const first = new HostScoring(settings({ statePath, retrainMs: 3_600_000 }), HYST);
    normalRounds(first, 0, 60);
    await first.settled();
    const trainedAt = first.current!.parts.trainedAt;
    const again = new HostScoring(settings({ statePath, retrainMs: 3_600_000 }), HYST);
    expect(again.status()).toMatchObject({ trained: true, origin: "learned", error: null, rows: 0 });
    expect(again.current!.parts.trainedAt).toBe(trainedAt);
    normalRounds(again, 60, 130);
    expect(again.status().training).toBe(false); // not before retrain_every after its training
    writeFileSync(statePath, "{ damaged");
    const fresh = new HostScoring(settings({ statePath }), HYST);
    expect(fresh.status().trained).toBe(false);
    expect(fresh.status().error).toMatch(/kept model .* refused: host model file is not JSON/);
  });
});

describe("HostScoring: training in a worker thread", () => {
  test("a worker that crashes is a failed training: host.error, retried after min(retrain_every, 10 min); stop terminates a training", async () => {
    const dir = mkdtempSync(join(tmpdir(), "host-crash-"));
    const crash = join(dir, "crash.ts");
    writeFileSync(crash, `declare const self: Worker;\nself.onmessage = () => { throw new Error("boom"); };\nself.postMessage({ type: "ready" });\n`);
    const h = new HostScoring(settings({ trainWorkerUrl: crash, retrainMs: 3_600_000 }), HYST);
    normalRounds(h, 0, 60);
    await h.settled();
    expect(h.status()).toMatchObject({ trained: false, training: false });
    expect(h.status().error).toMatch(/^training failed: .*boom/);
    normalRounds(h, 60, 61); // 5 s later: no retry yet
    expect(h.status().training).toBe(false);
    normalRounds(h, 180, 181); // 10 min after the failure: retried
    expect(h.status().training).toBe(true);
    h.dispose();
    await h.settled();
    expect(h.status()).toMatchObject({ training: false, trained: false });
  });

  test("when no worker can start, it says so once and trains in slices on this thread", async () => {
    const warnings: string[] = [];
    const h = new HostScoring(settings({ trainWorkerUrl: "/nonexistent/host-worker.js" }), HYST, undefined, (m) => warnings.push(m));
    normalRounds(h, 0, 60);
    await h.settled();
    expect(h.status()).toMatchObject({ trained: true, origin: "learned", error: null });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/training worker did not start.*in slices on the scoring thread instead/);
  });
});
