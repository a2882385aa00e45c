import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { createOnlineModel } from "../../models/online/default.ts";
import type { ScoringModel } from "../../models/model.ts";
import type { RoundInfo } from "../scoring/scorer.ts";
import { Pipeline } from "./pipeline.ts";
import { MemorySink } from "./testing/memory-sink.ts";
import { SteadySource } from "./testing/steady-source.ts";
import type { ModelHost, ModelWatcher, PipelineBufferConfig, PipelineTask } from "./types.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function fresh(): string {
  const d = mkdtempSync(join(tmpdir(), "pipeline-"));
  dirs.push(d);
  return d;
}

const memory = (maxBytes = 64 * 1024 * 1024): PipelineBufferConfig => ({ type: "memory", maxBytes, whenFull: "block" });
const disk = (dir: string): PipelineBufferConfig => ({
  type: "disk",
  dir: join(dir, "var", "buffer"),
  maxBytes: 16 * 1024 * 1024,
  whenFull: "block",
  fsync: "never",
  segmentBytes: 256 * 1024,
});

interface Setup {
  buffer?: PipelineBufferConfig;
  sinks: MemorySink[];
  source?: SteadySource;
  watcher?: ModelWatcher;
  lines?: Record<string, unknown>[];
  maxWaitMs?: number;
  tasks?: () => PipelineTask[];
}

/** A pipeline on `<dir>/var` with fast driver retries, the online model and a captured log. */
function make(dir: string, s: Setup): Pipeline {
  const lines = s.lines ?? [];
  const log = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  return new Pipeline({
    agentId: "t",
    hostName: "h",
    dataDir: join(dir, "var"),
    buffer: s.buffer ?? memory(),
    sources: [s.source ?? new SteadySource("steady", 20, 5)],
    sinks: s.sinks.map((sink) => ({
      id: sink.id,
      driver: { maxWaitMs: s.maxWaitMs ?? 20, probeEveryMs: 50, backoff: { initialMs: 20, maxMs: 100 } },
      create: () => sink,
    })),
    model: createOnlineModel("online:default"),
    watcher: s.watcher,
    tasks: s.tasks,
    log,
  });
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
}

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const metric = async (p: Pipeline, re: RegExp) => Number((await p.telemetry.registry.metrics()).match(re)?.[1] ?? 0);
const drops = async (p: Pipeline) => (await p.telemetry.registry.metrics()).match(/^agent_dropped_total\{[^}]*\} [1-9].*$/gm) ?? [];
const nextSeq = (dir: string) => JSON.parse(readFileSync(join(dir, "var", "seq.json"), "utf8")).next as number;

/** Waits until the source is held back by the full buffer (no seq taken for 300 ms); returns the next seq. */
async function untilHeld(p: Pipeline): Promise<number> {
  const end = Date.now() + 15_000;
  let last = -1;
  for (;;) {
    await Bun.sleep(300);
    const now = p.status().seq_next ?? 0;
    if (now === last && now > 1) return now;
    if (Date.now() > end) throw new Error("the source was never held back");
    last = now;
  }
}

test("a round end to end: samples → one record each, agent.seq from 1 with no gap, in the sink; sources and sinks closed at the stop", async () => {
  const dir = fresh();
  const sink = new MemorySink("mem");
  const source = new SteadySource("steady", 20, 5);
  const lines: Record<string, unknown>[] = [];
  const p = make(dir, { sinks: [sink], source, lines });
  await p.start();
  expect(lines.find((l) => l.msg === "agent started")).toMatchObject({ agent_id: "t", model: "online:default", sources: ["steady"], sinks: ["mem"] });
  await until(() => sink.records.length >= 50);
  await p.stop();
  const points = sink.records.filter((r) => r.kind === "point");
  expect(points.length).toBe(p.status().points);
  expect(sink.records.length).toBe(p.status().points + p.status().anomalies);
  expect(sink.seqs()).toEqual(oneToN(sink.records.length));
  expect(points[0].doc).toMatchObject({ agent: { id: "t" }, host: { name: "h" }, metric: { name: "steady.value" }, model: { name: "online:default" } });
  expect(source.closed && sink.stopped).toBe(true);
  expect(await metric(p, /^agent_points_in_total\{component="steady",component_kind="synthetic"\} (\d+)/m)).toBe(points.length);
  expect(nextSeq(dir)).toBe(sink.records.length + 1);
  expect(lines.find((l) => l.msg === "agent stopped")).toMatchObject({ points: points.length });
});

test("stop loses nothing: a memory buffer is flushed to the sink; a disk buffer keeps what a down sink did not take for the next start", async () => {
  const dir = fresh();
  const sink = new MemorySink("mem");
  const p = make(dir, { sinks: [sink], maxWaitMs: 60_000 }); // batches wait for the stop's flush
  await p.start();
  await until(() => (p.status().seq_next ?? 0) > 40);
  await p.stop();
  expect(sink.seqs()).toEqual(oneToN(p.status().points + p.status().anomalies));
  expect(await drops(p)).toEqual([]);

  const dir2 = fresh();
  const down = new MemorySink("d");
  down.down = true;
  const p1 = make(dir2, { buffer: disk(dir2), sinks: [down] });
  await p1.start();
  await until(() => (p1.status().seq_next ?? 0) > 40);
  await p1.stop(100);
  const stored = p1.status().points + p1.status().anomalies;
  expect(down.records).toEqual([]);
  const up = new MemorySink("d");
  const p2 = make(dir2, { buffer: disk(dir2), sinks: [up], source: new SteadySource("steady", 60_000, 0) });
  await p2.start();
  await until(() => up.records.length >= stored);
  await p2.stop();
  expect(up.seqs()).toEqual(oneToN(stored)); // every record once, none twice
  expect(await drops(p1)).toEqual([]);
});

test("buffer full (block): the source is held back, nothing is dropped, and it resumes when the sink takes records again", async () => {
  const dir = fresh();
  const sink = new MemorySink("mem");
  sink.down = true;
  const source = new SteadySource("steady", 20, 5);
  const p = make(dir, { buffer: memory(16 * 1024), sinks: [sink], source });
  await p.start();
  const held = await untilHeld(p);
  const rounds = source.rounds;
  await Bun.sleep(200);
  expect(source.rounds).toBe(rounds); // held in its round: no new collection
  expect((p.status().buffer as { records: number }).records).toBeGreaterThan(0);
  expect(await p.readinessReasons()).toContain("sink mem: memory sink is down");
  sink.down = false;
  await until(() => (p.status().seq_next ?? 0) > held + 100);
  await p.stop();
  expect(sink.seqs()).toEqual(oneToN(nextSeq(dir) - 1));
  expect(await drops(p)).toEqual([]);
});

test("reload: a round held back by a full buffer is carried over and appended first; the sink kept by id gets the backlog", async () => {
  const dir = fresh();
  const old = new MemorySink("a");
  old.down = true;
  const signals: AbortSignal[] = [];
  const task: PipelineTask = (signal) => new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  const p = make(dir, { buffer: memory(16 * 1024), sinks: [old], tasks: () => [(signal) => (signals.push(signal), task(signal))] });
  await p.start();
  const held = await untilHeld(p);
  const sink = new MemorySink("a");
  const source = new SteadySource("steady2", 20, 5);
  await p.reload(() => ({ sources: [source], sinks: [{ id: "a", driver: { maxWaitMs: 20 }, create: () => sink }] }));
  expect(old.stopped).toBe(true);
  expect(signals.map((s) => s.aborted)).toEqual([true, false]); // tasks stopped and started again
  await until(() => (p.status().seq_next ?? 0) > held + 100);
  await p.stop();
  expect(old.records).toEqual([]);
  expect(sink.seqs()).toEqual(oneToN(nextSeq(dir) - 1)); // nothing lost, nothing twice, no seq skipped
  expect(source.rounds).toBeGreaterThan(0);
  expect(await drops(p)).toEqual([]);
});

test("a round still held back at the stop is not accepted: not a drop, its seqs are given back", async () => {
  const dir = fresh();
  const sink = new MemorySink("mem");
  sink.down = true;
  const lines: Record<string, unknown>[] = [];
  const p = make(dir, { buffer: memory(16 * 1024), sinks: [sink], lines });
  await p.start();
  await untilHeld(p);
  const buffered = (p.status().buffer as { records: number }).records;
  await p.stop(50);
  const held = lines.find((l) => String(l.msg).startsWith("records of a round held back by a full buffer"));
  const { records, seqs_given_back: givenBack } = held as { records: number; seqs_given_back: number };
  expect(records).toBeGreaterThan(0);
  expect(givenBack).toBe(records); // every record of the held round had taken a seq
  expect(nextSeq(dir)).toBe(buffered + 1); // the held round's seqs are free again
  expect(await metric(p, /^agent_dropped_total\{component="mem",reason="shutdown"\} (\d+)/m)).toBe(buffered); // memory buffer: counted
});

test("model hot swap: the watcher sees every round, gets a host, and a swapped model scores the next rounds", async () => {
  const dir = fresh();
  const sink = new MemorySink("mem");
  const rounds: RoundInfo[] = [];
  let host: ModelHost | undefined;
  let disposed = 0;
  const watcher: ModelWatcher = {
    onRound: (r) => void rounds.push(r),
    onModelFailure: () => undefined,
    attach: (h) => void (host = h),
    dispose: () => void disposed++,
  };
  const p = make(dir, { sinks: [sink], watcher });
  await p.start();
  await until(() => rounds.length >= 3);
  const first = host!.current()!;
  const next: ScoringModel = createOnlineModel("online:window");
  const replaced = await host!.swap(next, { keepState: false });
  expect(replaced).toBe(first);
  replaced.dispose();
  const at = rounds.length;
  await until(() => rounds.length >= at + 3);
  expect(p.model()).toBe(next);
  expect(rounds.at(-1)!.model).toBe(next);
  expect(host!.facts().sinks.map((s) => s.id)).toEqual(["mem"]);
  await p.stop();
  expect(disposed).toBe(1);
  expect(sink.records.at(-1)!.doc.model.name).toBe("online:window");
});
