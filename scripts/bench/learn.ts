/**
 * Cost of on-host training (`model.learn`) beside the scoring rounds, at 1k and 10k series.
 *
 * In one process, as the agent runs it: every second a round of N series is scored by
 * `online:default` (`Scorer`, one batched call) and appended to the history (`HistoryStore`, as
 * the learner's `onSamples` does); the history starts with `--history` samples per series (written
 * before the measurement). Three phases in one process per size, same rounds:
 *   - `no training (before)`: `--rounds` rounds (default 90);
 *   - `training`: the same rounds while training runs back to back (the real worker,
 *     `runJobInWorker`, nice 19, `--budget` of a core, the default settings: 256 series,
 *     autoencoder, 10 epochs); at least `--rounds` rounds and one whole run;
 *   - `no training (after)`: `--rounds` rounds again (the baseline on both sides).
 * Per phase: round latency p50/p95/p99/max (score + history append; a round late past its second is
 * counted), process CPU in cores (`process.cpuUsage`, every thread, the worker's included) and
 * RSS at the start and its peak (sampled every 100 ms). The phase's CPU, minus the baseline phases' CPU rate over
 * the same time, is the training's CPU; averaged over a schedule it is a run's CPU divided by `every`.
 *
 * Every round ends with `roundEnded(gate)`, as the learner's `onSamples` does, so the worker
 * works in the gaps between rounds; `--no-gate` measures the duty cycle alone.
 *
 *     bun scripts/bench/learn.ts [--series 1000,10000] [--rounds 90] [--budget 0.25] [--history 1500] [--no-gate]
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HistoryStore } from "../../core/history/store.ts";
import type { MetricSample } from "../../core/events.ts";
import { SeqAllocator } from "../../core/runtime/seq.ts";
import { Scorer } from "../../core/scoring/scorer.ts";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { createRng } from "../../data/random.ts";
import { runJobInWorker } from "../../agent/learn/run-worker.ts";
import { roundEnded } from "../../core/runtime/pace.ts";
import { LEARN_DEFAULTS } from "../../agent/learn/settings.ts";
import type { JobResult } from "../../agent/learn/job.ts";
import { createOnlineModel } from "../../models/online/default.ts";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const SIZES = flag("series", "1000,10000").split(",").map(Number);
const ROUNDS = Number(flag("rounds", "90"));
const BUDGET = Number(flag("budget", String(LEARN_DEFAULTS.budget)));
const HISTORY = Number(flag("history", "1500"));
/** `--no-gate`: the duty cycle alone (the worker does not wait for the gaps between rounds). */
const GATE = !process.argv.includes("--no-gate");

interface Phase {
  rounds: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  late: number;
  cores: number;
  rssStartMiB: number;
  peakRssMiB: number;
  wallS: number;
  cpuS: number;
}

function quantile(a: number[], q: number): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

interface SizeResult {
  before: Phase;
  train: Phase;
  after: Phase;
  jobs: JobResult[];
}

async function bench(n: number): Promise<SizeResult> {
  const dir = await mkdtemp(join(tmpdir(), "bench-learn-"));
  try {
    const rng = createRng(n);
    const labels = Array.from({ length: n }, (_, i) => Object.freeze({ id: String(i) }));
    const phase = new Float64Array(n).map(() => rng.uniform(0, 6.28));
    const level = new Float64Array(n).map(() => rng.uniform(1, 100));
    let t = Date.UTC(2026, 0, 1);
    const round = (): MetricSample[] => {
      t += 1000;
      const out = new Array<MetricSample>(n);
      for (let i = 0; i < n; i++)
        out[i] = { name: "m", labels: labels[i], value: level[i] * (1 + 0.1 * Math.sin(t / 60_000 + phase[i])) + rng.normal(), timestamp: t };
      return out;
    };
    const history = new HistoryStore({ dir: join(dir, "history"), maxBytes: LEARN_DEFAULTS.historyMaxBytes });
    await history.open();
    for (let k = 0; k < HISTORY; k++) {
      history.append(round());
      if (k % 100 === 99) await history.flush();
    }
    await history.flush();
    const scorer = new Scorer(createOnlineModel("online:default"), {
      agentId: "bench",
      hostName: "bench",
      seq: new SeqAllocator(join(dir, "var")),
      telemetry: new Telemetry(),
    });
    // warm up the scorer's states (not measured)
    for (let k = 0; k < 5; k++) await scorer.score(round(), t);
    Bun.gc(true);
    const gate = new Int32Array(new SharedArrayBuffer(4));

    const measure = async (until: () => boolean): Promise<Phase> => {
      const lat: number[] = [];
      let late = 0;
      const rssStart = process.memoryUsage().rss;
      let peak = rssStart;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
      const cpu0 = process.cpuUsage();
      const w0 = performance.now();
      let next = w0;
      while (lat.length < ROUNDS || !until()) {
        next += 1000;
        const samples = round();
        const s0 = performance.now();
        await scorer.score(samples, t);
        history.append(samples);
        if (GATE) roundEnded(gate);
        lat.push(performance.now() - s0);
        const wait = next - performance.now();
        if (wait > 0) await Bun.sleep(wait);
        else late++;
      }
      clearInterval(sampler);
      const wallS = (performance.now() - w0) / 1000;
      const c = process.cpuUsage(cpu0);
      const cpuS = (c.user + c.system) / 1e6;
      return {
        rounds: lat.length,
        p50: quantile(lat, 0.5),
        p95: quantile(lat, 0.95),
        p99: quantile(lat, 0.99),
        max: Math.max(...lat),
        late,
        cores: cpuS / wallS,
        rssStartMiB: rssStart / 2 ** 20,
        peakRssMiB: peak / 2 ** 20,
        wallS,
        cpuS,
      };
    };

    const before = await measure(() => true);
    // training runs back to back through the phase (at least one whole run)
    const jobs: JobResult[] = [];
    let failed: Error | undefined;
    let stop = false;
    const s = LEARN_DEFAULTS;
    const loop = (async () => {
      while (!stop) {
        await history.flush();
        try {
          jobs.push(
            await runJobInWorker(
              {
                target: "series",
                historyDir: join(dir, "history"),
                candidatesDir: join(dir, "candidates"),
                version: `l${jobs.length + 1}`,
                currentRef: "online:default",
                kind: s.kind,
                maxSeries: s.maxSeries,
                maxPointsPerSeries: s.maxPointsPerSeries,
                maxRows: s.maxRows,
                holdout: s.holdout,
                margin: s.margin,
                seed: jobs.length + 1,
                budget: BUDGET,
              },
              undefined,
              undefined,
              GATE ? gate : undefined,
            ),
          );
        } catch (e) {
          failed = e as Error;
          return;
        }
      }
    })();
    const train = await measure(() => {
      if (jobs.length > 0 || failed) stop = true;
      return stop;
    });
    await loop;
    if (failed) throw failed;
    Bun.gc(true);
    const after = await measure(() => true);
    return { before, train, after, jobs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes("--child")) {
  console.log(JSON.stringify(await bench(SIZES[0])));
  process.exit(0);
}

const rows: string[] = [];
for (const n of SIZES) {
  // one process per size: its RSS and GC are its own
  const child = Bun.spawnSync(
    [
      process.execPath,
      import.meta.path,
      "--child",
      "--series",
      String(n),
      "--rounds",
      String(ROUNDS),
      "--budget",
      String(BUDGET),
      "--history",
      String(HISTORY),
    ],
    {
      stderr: "inherit",
    },
  );
  if (child.exitCode !== 0) throw new Error(`bench for ${n} series failed`);
  const { before, train, after, jobs } = JSON.parse(child.stdout.toString().trim().split("\n").pop()!) as SizeResult;
  // the training's CPU: the phase's CPU minus what rounds cost without it (mean rate of the phases around it)
  const baseRate = (before.cpuS + after.cpuS) / (before.wallS + after.wallS);
  // the last run may end after the phase: count the runs' share of the phase
  const runWallS = jobs.reduce((a, j) => a + j.wall_ms, 0) / 1000;
  const trainCpuS = train.cpuS - baseRate * train.wallS;
  const perRunCpuS = (trainCpuS * Math.min(1, runWallS / train.wallS)) / Math.max(1, jobs.length);
  const p99Base = Math.max(before.p99, after.p99);
  const fmt = (label: string, p: Phase, extra: string): string =>
    `| ${n} | ${label} | ${p.rounds} | ${p.p50.toFixed(1)} | ${p.p95.toFixed(1)} | ${p.p99.toFixed(1)} | ${p.max.toFixed(1)} | ${p.late} | ${p.cores.toFixed(3)} | ${p.rssStartMiB.toFixed(0)} → ${p.peakRssMiB.toFixed(0)} | ${extra} |`;
  rows.push(fmt("no training (before)", before, "—"));
  rows.push(
    fmt(
      "training",
      train,
      `${jobs.length} run(s), ${(jobs[0].wall_ms / 1000).toFixed(1)} s wall / ${(jobs[0].busy_ms / 1000).toFixed(1)} s busy each; +${(trainCpuS / train.wallS).toFixed(3)} cores while training; ≈${perRunCpuS.toFixed(1)} CPU-s a run = ${((perRunCpuS / 3600) * 100).toFixed(3)} % of a core over a 1 h schedule, ${((perRunCpuS / 86_400) * 100).toFixed(4)} % over 24 h; p99 ×${(train.p99 / p99Base).toFixed(2)} of the worse baseline; verdict ${jobs[0].verdict.outcome}`,
    ),
  );
  rows.push(fmt("no training (after)", after, "—"));
}
console.log(
  `on-host training beside 1 Hz rounds (online:default), ${GATE ? "worker slices between rounds (round gate)" : "duty cycle only (--no-gate)"}, budget ${BUDGET} core, history ${HISTORY} samples a series, ${ROUNDS}+ rounds a phase\n`,
);
console.log("| series | phase | rounds | p50 ms | p95 ms | p99 ms | max ms | late | CPU cores | RSS MiB start → peak | training |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
