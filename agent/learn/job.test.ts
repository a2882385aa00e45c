import { afterEach, expect, test } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type JobSpec, runJob } from "./job.ts";
import { writeSyntheticHistory } from "./testing/history.ts";
import { loadModel } from "../../models/load.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function spec(dir: string, over: Partial<JobSpec> = {}): JobSpec {
  return {
    target: "series",
    historyDir: join(dir, "history"),
    candidatesDir: join(dir, "learn", "candidates"),
    version: "l1",
    currentRef: "online:default",
    kind: "autoencoder",
    epochs: 2,
    maxSeries: 6,
    maxPointsPerSeries: 4000,
    maxRows: 4000,
    holdout: 0.3,
    margin: 0.02,
    seed: 1,
    budget: 1,
    ...over,
  };
}

test("a run trains a candidate bundle on the history, writes it whole, and judges it against the model in use", async () => {
  const dir = await mkdtemp(join(tmpdir(), "learn-job-"));
  dirs.push(dir);
  await writeSyntheticHistory(join(dir, "history"), 9, 3000);
  const r = await runJob(spec(dir));
  expect(r.history).toEqual({ series: 6, points: 6 * 3000, span_ms: 2999_000 });
  expect(r.dir).toBe(join(dir, "learn", "candidates", "l1"));
  expect(await readdir(join(dir, "learn", "candidates"))).toEqual(["l1"]);
  const m = await loadModel(r.dir!);
  expect(m.name).toBe("learned");
  expect(m.version).toBe("l1");
  m.dispose();
  expect(r.candidate!.events).toBeGreaterThan(0);
  expect(r.candidate!.events).toBe(r.current!.events);
  expect(r.candidate!.non_finite).toBe(0);
  expect(["better", "not_better"]).toContain(r.verdict.outcome);
  expect(r.skipped).toEqual([]);
}, 60_000);

test("too little history: no candidate, a reason", async () => {
  const dir = await mkdtemp(join(tmpdir(), "learn-job-"));
  dirs.push(dir);
  await writeSyntheticHistory(join(dir, "history"), 3, 100);
  const r = await runJob(spec(dir));
  expect(r.dir).toBeNull();
  expect(r.verdict).toEqual({ outcome: "not_better", reason: "no series with 600 samples of history yet" });
});
