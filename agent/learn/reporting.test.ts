/** What the learner reports outside itself: the heartbeat's `learn` field, and a skipped history segment (one log line, counted). */
import { afterEach, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { HeartbeatSchema } from "../../models/registry-protocol/heartbeat.ts";
import type { ScoringModel } from "../../models/model.ts";
import { buildHeartbeat } from "../updater/heartbeat.ts";
import { ModelUpdater } from "../updater/updater.ts";
import { runJob } from "./job.ts";
import { Learner } from "./learner.ts";
import { LEARN_DEFAULTS } from "./settings.ts";
import { writeSyntheticHistory } from "./testing/history.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function learnerOn(dir: string, lines: Record<string, unknown>[], telemetry = new Telemetry()): Promise<Learner> {
  const l = new Learner({
    settings: { ...LEARN_DEFAULTS, afterMs: 1000, everyMs: 3600_000, epochs: 1, maxSeries: 6, budget: 1 },
    dataDir: dir,
    fallbackRef: "online:default",
    log: pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s)) }),
    telemetry,
    runJob: (spec) => runJob(spec),
  });
  let model: ScoringModel = await l.init();
  l.attach({ current: () => model, swap: async (m) => ((model = m), model), facts: () => ({ bufferDepth: 0, sinks: [] }) });
  return l;
}

test("a truncated and a newer-format history segment: skipped with one log line each, counted by reason; the run goes on with the rest", async () => {
  const dir = await mkdtemp(join(tmpdir(), "learn-skip-"));
  dirs.push(dir);
  // segments of 5 min of samples (the store's default): 8 of them
  await writeSyntheticHistory(join(dir, "history"), 6, 2400);
  await writeSyntheticHistory(join(dir, "history-2"), 6, 600, Date.UTC(2026, 0, 2));
  // segment 1 truncated, segment 2 from a newer format
  const good = "seg-000000000001.hist";
  const bytes = await readFile(join(dir, "history", good));
  await writeFile(join(dir, "history", "seg-000000000001.hist"), bytes.subarray(0, bytes.length - 100));
  const newer = Buffer.from(await readFile(join(dir, "history-2", good)));
  newer.writeUInt16LE(7, 4);
  await writeFile(join(dir, "history", "seg-000000000002.hist"), newer);
  const lines: Record<string, unknown>[] = [];
  const telemetry = new Telemetry();
  const l = await learnerOn(dir, lines, telemetry);
  await l.tick(new AbortController().signal);
  const skipped = lines.filter((x) => x.msg && String(x.msg).startsWith("history segment skipped"));
  expect(skipped.map((x) => [x.file, x.reason])).toEqual([
    ["seg-000000000001.hist", "truncated"],
    ["seg-000000000002.hist", "newer_format"],
  ]);
  const text = await telemetry.registry.getSingleMetricAsString("agent_learn_history_skipped_total");
  expect(text).toContain('reason="truncated"} 1');
  expect(text).toContain('reason="newer_format"} 1');
  expect(l.status()).toMatchObject({ history: { skipped_segments: 2 }, last_run: { history: { series: 6 } } });
  // the two bad segments' points are missing, the other six segments' are there
  const points = (l.status().last_run as { history: { points: number } }).history.points;
  expect(points).toBeGreaterThan(6 * 1700);
  expect(points).toBeLessThan(6 * 1900);
}, 60_000);

test("the heartbeat carries the learner's `learn` field, valid for the registry's schema", async () => {
  const dir = await mkdtemp(join(tmpdir(), "learn-hb-"));
  dirs.push(dir);
  await writeSyntheticHistory(join(dir, "history"), 6, 1200);
  const l = await learnerOn(dir, []);
  await l.tick(new AbortController().signal);
  const up = new ModelUpdater({
    registry: { url: "http://registry.test", name: "m", channel: "stable", token: "t", pollIntervalMs: 1000, heartbeatIntervalMs: 1000 },
    agentId: "edge-01",
    hostName: "box",
    dataDir: dir,
    fallbackRef: "online:default",
    log: pino({ level: "silent" }),
    telemetry: new Telemetry({ defaultMetrics: false }),
    learnFacts: () => l.heartbeat(),
  });
  const hb = buildHeartbeat(up);
  const learn = hb.learn!;
  expect([learn.in_use, learn.history_series, learn.history_points]).toEqual([null, 6, 7200]);
  expect(["kept", "swapped"]).toContain(learn.last_outcome as string);
  const parsed = HeartbeatSchema.safeParse(hb);
  expect(parsed.success).toBe(true);
  expect(parsed.data?.learn).toEqual(learn);
  expect(HeartbeatSchema.safeParse({ ...hb, learn: { ...learn, surprise: 1 } }).success).toBe(false);
  expect(HeartbeatSchema.safeParse({ ...hb, learn: { ...learn, last_outcome: "exploded" } }).success).toBe(false);
}, 60_000);
