import { afterEach, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { ModelHost } from "../../core/pipeline/types.ts";
import type { RoundInfo } from "../../core/scoring/scorer.ts";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { VirtualClock } from "../../core/testing/virtual-clock.ts";
import type { ScoringModel } from "../../models/model.ts";
import { HeartbeatLearnSchema } from "../../models/registry-protocol/heartbeat.ts";
import { type JobResult, type JobSpec, runJob } from "./job.ts";
import { Learner } from "./learner.ts";
import { LEARN_DEFAULTS } from "./settings.ts";
import { writeSyntheticHistory } from "./testing/history.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
const log = pino({ level: "silent" });
const T0 = Date.UTC(2026, 0, 1);

interface Setup {
  dir: string;
  learner: Learner;
  host: ModelHost & { model: ScoringModel; swaps: number };
  clock: VirtualClock;
  telemetry: Telemetry;
  jobs: JobSpec[];
}

async function setup(verdict?: JobResult["verdict"], dir?: string): Promise<Setup> {
  if (!dir) {
    dir = await mkdtemp(join(tmpdir(), "learner-"));
    dirs.push(dir);
    await writeSyntheticHistory(join(dir, "history"), 6, 2000, T0);
  }
  const clock = new VirtualClock(T0 + 2000_000);
  const telemetry = new Telemetry();
  const jobs: JobSpec[] = [];
  const learner = new Learner({
    settings: { ...LEARN_DEFAULTS, afterMs: 1800_000, everyMs: 3600_000, epochs: 1, maxSeries: 4, probationRounds: 3, maxFlagRate: 0.2, budget: 1 },
    dataDir: dir,
    fallbackRef: "online:default",
    log,
    telemetry,
    clock,
    runJob: async (spec) => {
      jobs.push(spec);
      const r = await runJob(spec);
      return verdict ? { ...r, verdict } : r;
    },
  });
  const model = await learner.init();
  const host = {
    model,
    swaps: 0,
    current: () => host.model,
    swap: async (m: ScoringModel) => {
      const old = host.model;
      host.model = m;
      host.swaps++;
      return old;
    },
    facts: () => ({ bufferDepth: 0, sinks: [] }),
  };
  learner.attach(host);
  return { dir, learner, host, clock, telemetry, jobs };
}

function round(model: ScoringModel, flagged = 0): RoundInfo {
  return { model, roundsSinceSwap: 1, points: 10, scored: 10, flagged, latencyMs: 1, opened: 0, series: 10 };
}

const signal = new AbortController().signal;

test("a better candidate is swapped in, passes probation, is remembered, and the next start scores with it", async () => {
  const s = await setup({ outcome: "better", reason: "forced for the test" });
  expect(s.host.model.name).toBe("online:default");
  expect(s.learner.status().waiting_for).toBeNull();
  await s.learner.tick(signal);
  expect(s.jobs.length).toBe(1);
  expect(s.jobs[0].currentRef).toBe("online:default");
  expect(s.host.model.name).toBe("learned");
  expect(s.host.model.version).toBe("l1");
  expect(s.learner.status()).toMatchObject({
    in_use: { source: "learned", version: "l1" },
    probation: { version: "l1", rounds: 0 },
    last_run: { outcome: "swapped" },
  });
  // warm-up rounds of another model do not count; three scored rounds end the probation
  s.learner.onRound({ ...round(s.host.model), scored: 0 });
  for (let i = 0; i < 3; i++) s.learner.onRound(round(s.host.model, 1));
  await s.learner.settled();
  const state = JSON.parse(await readFile(join(s.dir, "learn", "state.json"), "utf8"));
  expect(state.current.version).toBe("l1");
  expect(state.current.replaced).toMatch(/^online:default@/);
  expect(state.last_run.outcome).toBe("accepted");
  expect(state.next_run_at).toBe(s.clock.now() + 3600_000);
  expect(s.learner.status().waiting_for).toMatch(/^the next run at/);
  const hb = s.learner.heartbeat();
  expect(HeartbeatLearnSchema.parse(hb)).toMatchObject({ in_use: "l1", last_outcome: "accepted", history_series: 6, history_points: 12_000 });
  expect(await readdir(join(s.dir, "learn", "candidates"))).toEqual(["l1"]);
  // restart: starts on the learned model
  const again = await setup(undefined, s.dir);
  expect(again.host.model.name).toBe("learned");
  expect(again.learner.status()).toMatchObject({ in_use: { source: "learned", version: "l1" } });
  // the next run compares against the learned model in use
  await again.clock.advance(3600_000);
  await again.learner.tick(signal);
  expect(again.jobs[0].currentRef).toBe(join(s.dir, "learn", "candidates", "l1"));
  expect(again.jobs[0].version).toBe("l2");
}, 60_000);

test("a candidate with non-finite scores is refused, reported and counted; the model in use stays", async () => {
  const s = await setup({ outcome: "refused", reason: "candidate gave 12 non-finite scores on held-back history" });
  const before = s.host.model;
  await s.learner.tick(signal);
  expect(s.host.model).toBe(before);
  expect(s.host.swaps).toBe(0);
  expect(s.learner.status().last_run).toMatchObject({ outcome: "refused", reason: "candidate gave 12 non-finite scores on held-back history" });
  expect(await s.telemetry.registry.getSingleMetricAsString("agent_learn_runs_total")).toContain('outcome="refused"} 1');
  expect(await readdir(join(s.dir, "learn", "candidates"))).toEqual([]);
}, 60_000);

test("a model that fails in probation returns to the previous one in that round; one flagging too much returns after its probation", async () => {
  const s = await setup({ outcome: "better", reason: "forced" });
  const first = s.host.model;
  await s.learner.tick(signal);
  const learned = s.host.model;
  const back = s.learner.onModelFailure({ model: learned, kind: "non_finite", error: new Error("NaN"), roundsSinceSwap: 0 });
  expect(back).toBe(first);
  await s.learner.settled();
  expect(s.learner.status()).toMatchObject({ in_use: { source: "configured" }, probation: null, last_run: { outcome: "rolled_back" } });
  expect(JSON.parse(await readFile(join(s.dir, "learn", "state.json"), "utf8")).current).toBeNull();

  await s.clock.advance(3600_000);
  s.host.model = first;
  await s.learner.tick(signal);
  expect(s.host.model.version).toBe("l2");
  for (let i = 0; i < 3; i++) s.learner.onRound(round(s.host.model, 5)); // 50 % flagged > 20 %
  await s.learner.settled();
  expect(s.host.model).toBe(first);
  expect(s.learner.status().last_run).toMatchObject({ outcome: "rolled_back", reason: "flagged 50.00 % of points in probation (max 20.00 %)" });
}, 60_000);

test("not enough history: no run; a corrupt state file starts on the configured model and says why", async () => {
  const dir = await mkdtemp(join(tmpdir(), "learner-"));
  dirs.push(dir);
  await writeSyntheticHistory(join(dir, "history"), 2, 100, T0);
  await writeFile(join(dir, "state.json"), "");
  await Bun.write(join(dir, "learn", "state.json"), '{"format": 9}');
  const s = await setup(undefined, dir);
  expect(s.host.model.name).toBe("online:default");
  expect(s.learner.status().state_error).toContain("learn/state.json");
  expect(s.learner.status().waiting_for).toBe("history: 99 s of 1800 s");
  await s.learner.tick(signal);
  expect(s.jobs.length).toBe(0);
});
