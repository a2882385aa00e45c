import { afterEach, expect, test } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runJobInWorker, TrainingError, workerUrl } from "./run-worker.ts";
import { writeSyntheticHistory } from "./testing/history.ts";
import type { JobSpec } from "./job.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function spec(): Promise<JobSpec> {
  const dir = await mkdtemp(join(tmpdir(), "learn-worker-"));
  dirs.push(dir);
  await writeSyntheticHistory(join(dir, "history"), 4, 1500);
  return {
    target: "series",
    historyDir: join(dir, "history"),
    candidatesDir: join(dir, "candidates"),
    version: "l1",
    currentRef: "online:default",
    kind: "autoencoder",
    epochs: 1,
    maxSeries: 4,
    maxPointsPerSeries: 4000,
    maxRows: 2000,
    holdout: 0.3,
    margin: 0.02,
    seed: 1,
    budget: 1,
  };
}

test("a job runs in a worker thread and its result comes back", async () => {
  const s = await spec();
  const r = await runJobInWorker(s);
  expect(r.version).toBe("l1");
  expect(r.history.series).toBe(4);
  expect(r.candidate?.events).toBeGreaterThan(0);
  expect(await readdir(s.candidatesDir)).toEqual(["l1"]);
}, 60_000);

test("aborting stops the worker: the promise rejects, no candidate is left under its name", async () => {
  const s = await spec();
  const ac = new AbortController();
  const p = runJobInWorker({ ...s, epochs: 500 }, ac.signal);
  ac.abort();
  await expect(p).rejects.toBeInstanceOf(TrainingError);
  const names = await readdir(s.candidatesDir).catch(() => []);
  expect(names.filter((n) => n === "l1")).toEqual([]);
}, 60_000);

test("the worker's code: beside this file from source, the embedded entry point in a compiled binary", () => {
  expect(workerUrl("file:///src/agent/learn/run-worker.ts")).toBe("file:///src/agent/learn/worker.ts");
  expect(workerUrl("file:///$bunfs/root/agent")).toBe("/$bunfs/root/agent/learn/worker.js");
});
