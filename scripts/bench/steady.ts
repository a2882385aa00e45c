/**
 * Steady-state cost of `agent run`, measured from outside: the compiled binary (dist/agent,
 * built if missing) runs a config with the synthetic source at 1 Hz, online:default scoring and
 * a file sink (/dev/null by default, `--file` for a temp file), the local HTTP server on. After
 * `--warmup` seconds (default 40: start + the model's warm-up of window + 2 = 34 samples) the
 * process's CPU time (/proc/<pid>/stat utime + stime, all threads) and RSS (/proc/<pid>/status)
 * are sampled every second for `--seconds` (default 60). CPU is reported per 10 s window as a
 * % of one core (median and min–max of the windows) and over the whole span; RSS as the mean
 * and the peak of the samples. /status at the end shows the points really flowed.
 *
 * Baseline in the same run: the same agent with `--idle-series` (default 10) series, the cost
 * of an agent that does almost nothing. Scenarios run one after another. Minor page faults per
 * second (/proc/<pid>/stat minflt) are shown too: memory freshly touched each round (a kernel entry
 * and a zeroed page per 4 KiB), a cost that in-process timings (steady-stages.ts) do not see.
 *
 *     npm run build && bun scripts/bench/steady.ts [--series 1000,10000] [--seconds 60] [--warmup 40] [--file] [--buffer memory] [--bin path]
 *
 * `--bin` measures another build (e.g. one of `main` from a temp worktree): alternate runs of
 * both to compare on this shared machine.
 *
 * Goals: ≤ 5% of a core and ≤ 250 MB RSS at 10k series, 1 Hz.
 */
import { rm } from "node:fs/promises";
import { conditions, table } from "./harness.ts";
import { agentBinary, argStr, cpuSeconds, freePort, median, minorFaults, rssMiB, writeAgentConfig } from "./proc.ts";

const SERIES = argStr("series", "1000,10000").split(",").map(Number);
const IDLE = Number(argStr("idle-series", "10"));
const SECONDS = Number(argStr("seconds", "60"));
const WARMUP = Number(argStr("warmup", "40"));
const TO_FILE = process.argv.includes("--file");
/** `--buffer memory` runs with `buffer: { type: memory }` (default: the agent's default, a disk buffer). */
const BUFFER = argStr("buffer", "");
const WINDOW_S = 10;

interface Result {
  series: number;
  windows: number[];
  avgPct: number;
  rssMean: number;
  rssMax: number;
  hwm: number;
  ptsPerSec: number;
  startRss: number;
  faultsPerSec: number;
}

async function measure(bin: string, series: number): Promise<Result> {
  const port = await freePort();
  const extra = BUFFER ? `buffer: { type: ${BUFFER} }` : "";
  const { path, dir } = await writeAgentConfig({ series, interval: "1s", out: TO_FILE ? undefined : "/dev/null", port, extra });
  const child = Bun.spawn([bin, "run", "--config", path], {
    stdout: "ignore",
    stderr: "ignore",
    env: { ...process.env, AGENT_LOG_LEVEL: "warn", NODE_NO_WARNINGS: "1" },
  });
  const pid = child.pid;
  try {
    await Bun.sleep(5_000);
    const startRss = (await rssMiB(pid)).rss;
    await Bun.sleep((WARMUP - 5) * 1000);
    const status0 = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { points: number };
    const t0 = performance.now();
    const cpu0 = await cpuSeconds(pid);
    const faults0 = await minorFaults(pid);
    const cpus: [number, number][] = [[0, cpu0]];
    const rss: number[] = [];
    for (let s = 1; s <= SECONDS; s++) {
      await Bun.sleep(t0 + s * 1000 - performance.now());
      cpus.push([(performance.now() - t0) / 1000, await cpuSeconds(pid)]);
      rss.push((await rssMiB(pid)).rss);
    }
    const status1 = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { points: number };
    const windows: number[] = [];
    for (let i = WINDOW_S; i < cpus.length; i += WINDOW_S) {
      const [ta, ca] = cpus[i - WINDOW_S]!;
      const [tb, cb] = cpus[i]!;
      windows.push((100 * (cb - ca)) / (tb - ta));
    }
    const [tEnd, cEnd] = cpus[cpus.length - 1]!;
    const faultsPerSec = ((await minorFaults(pid)) - faults0) / tEnd;
    const { hwm } = await rssMiB(pid);
    return {
      series,
      windows,
      avgPct: (100 * (cEnd - cpu0)) / tEnd,
      rssMean: rss.reduce((a, b) => a + b, 0) / rss.length,
      rssMax: Math.max(...rss),
      hwm,
      ptsPerSec: (status1.points - status0.points) / ((performance.now() - t0) / 1000),
      startRss,
      faultsPerSec,
    };
  } finally {
    child.kill("SIGTERM");
    await Promise.race([child.exited, Bun.sleep(15_000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const bin = agentBinary();
  const started = conditions();
  const results: Result[] = [];
  for (const series of [IDLE, ...SERIES]) {
    process.stderr.write(`  ${series} series: warm-up ${WARMUP}s, measure ${SECONDS}s ...\n`);
    const r = await measure(bin, series);
    process.stderr.write(`    ${r.avgPct.toFixed(2)}% CPU, ${r.rssMean.toFixed(0)} MB RSS, ${r.ptsPerSec.toFixed(0)} pts/s\n`);
    results.push(r);
  }
  const f = (x: number) => x.toFixed(2);
  console.log(
    `\n## Steady cost of dist/agent, synthetic 1 Hz → online:default → ${BUFFER || "disk"} buffer → file (${TO_FILE ? "temp file" : "/dev/null"}), ${SECONDS} s after ${WARMUP} s warm-up`,
  );
  console.log(`${started}\n`);
  console.log(
    table(
      [
        "series",
        "pts/s delivered",
        `CPU % of 1 core (median of ${WINDOW_S}s windows)`,
        "min–max",
        `avg over ${SECONDS}s`,
        "RSS MB mean",
        "RSS MB max",
        "VmHWM MB",
        "RSS MB at 5 s",
        "minor faults/s",
      ],
      results.map((r) => [
        r.series === IDLE ? `${r.series} (idle baseline)` : r.series,
        r.ptsPerSec.toFixed(0),
        f(median(r.windows)),
        `${f(Math.min(...r.windows))}–${f(Math.max(...r.windows))}`,
        f(r.avgPct),
        r.rssMean.toFixed(0),
        r.rssMax.toFixed(0),
        r.hwm.toFixed(0),
        r.startRss.toFixed(0),
        r.faultsPerSec.toFixed(0),
      ]),
    ),
  );
  const idle = results[0]!;
  for (const r of results.slice(1)) {
    const perK = (r.avgPct - idle.avgPct) / (r.series / 1000);
    console.log(
      `${r.series} series: +${f(r.avgPct - idle.avgPct)}% CPU over idle (${f(perK)}% per 1k series/s), +${(r.rssMean - idle.rssMean).toFixed(0)} MB RSS`,
    );
  }
  console.log("\nGoals at 10k series: ≤ 5% of a core, ≤ 250 MB RSS.");
}

await main();
