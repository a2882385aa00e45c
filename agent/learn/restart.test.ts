import { afterEach, expect, test } from "bun:test";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { waitFor } from "../../core/testing/wait-for.ts";
import type { ScoringModel } from "../../models/model.ts";
import { runJob } from "./job.ts";
import { Learner } from "./learner.ts";
import { LEARN_DEFAULTS } from "./settings.ts";
import { writeSyntheticHistory } from "./testing/history.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function learner(dataDir: string): Learner {
  return new Learner({
    settings: { ...LEARN_DEFAULTS, afterMs: 1000, everyMs: 1000, epochs: 1, maxSeries: 6, probationRounds: 1, budget: 1 },
    dataDir,
    fallbackRef: "online:default",
    log: pino({ level: "silent" }),
    telemetry: new Telemetry(),
    runJob: async (spec) => ({ ...(await runJob(spec)), verdict: { outcome: "better", reason: "forced" } }),
  });
}

test("a process killed in the middle of training: no corrupt state, the learned model in use before still starts and scores", async () => {
  const dir = await mkdtemp(join(tmpdir(), "learn-restart-"));
  dirs.push(dir);
  await writeSyntheticHistory(join(dir, "history"), 6, 3000);
  // an accepted learned model l1
  const l = learner(dir);
  let model: ScoringModel = await l.init();
  l.attach({ current: () => model, swap: async (m) => ((model = m), model), facts: () => ({ bufferDepth: 0, sinks: [] }) });
  await l.tick(new AbortController().signal);
  l.onRound({ model, roundsSinceSwap: 1, points: 6, scored: 6, flagged: 0, latencyMs: 1, opened: 0, series: 6 });
  await l.settled();
  const before = await readFile(join(dir, "learn", "state.json"), "utf8");
  expect(JSON.parse(before).current.version).toBe("l1");

  // a second run, in a real worker of another process, killed while it trains
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "testing", "train-child.ts"), dir, "400"], { stdout: "pipe", stderr: "inherit" });
  const reader = child.stdout.getReader();
  let out = "";
  await waitFor(
    async () => {
      const { value, done } = await reader.read();
      if (value) out += new TextDecoder().decode(value);
      return done || out.includes("training l2");
    },
    { timeoutMs: 30_000, what: "the child's worker training" },
  );
  expect(out).toContain("training l2");
  child.kill(9); // 400 epochs: far from done
  await child.exited;
  expect(out).not.toContain("evaluating");
  // what a kill while the candidate is being written leaves (saveTrainedModel into <version>.tmp-<pid>)
  await mkdir(join(dir, "learn", "candidates", "l2.tmp-4242"), { recursive: true });
  await writeFile(join(dir, "learn", "candidates", "l2.tmp-4242", "manifest.json"), "{");

  expect(await readFile(join(dir, "learn", "state.json"), "utf8")).toBe(before);
  const again = learner(dir);
  const m = await again.init();
  expect(m.name).toBe("learned");
  expect(m.version).toBe("l1");
  const scores = await m.scoreSeries([Float64Array.from({ length: 100 }, (_, i) => Math.sin(i / 5))]);
  expect(scores[0].every(Number.isFinite)).toBe(true);
  expect(await readdir(join(dir, "learn", "candidates"))).toEqual(["l1"]);
  expect(again.status()).toMatchObject({ in_use: { source: "learned", version: "l1" }, runs: 1, last_run: { outcome: "accepted" } });
  m.dispose();
}, 60_000);
