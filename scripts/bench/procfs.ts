/**
 * Cost of the procfs source on this machine, per series: N rounds of `collect` on the real
 * `/proc` and `/sys` + scoring with online:default (the Scorer as the agent wires it), CPU time
 * from process.cpuUsage (user + system, all threads) around each stage. Rounds run back to
 * back with timestamps 1 s apart, so "µs per series-round" is the CPU cost per series-second
 * of an agent collecting at 1 Hz (Netdata's default interval).
 *
 * Baseline in the same run: the source's groups before the detail groups were added
 * (cpu, memory, load, disk, network, filesystem, thermal). Then the default groups, then
 * each group alone (collect only) to show where the collection cost goes.
 *
 *     bun scripts/bench/procfs.ts [--rounds 60] [--warmup 40] [--no-pin]
 *
 * `--agent`: the whole process instead, measured from outside like steady.ts: the compiled
 * agent (dist/agent, built if missing) runs procfs at 1 s → online:default → file sink on
 * /dev/null, for `--seconds` (60) after `--warmup` seconds (40); its CPU time (utime + stime of
 * /proc/<pid>/stat) per series-second, with the idle agent (synthetic source, 10 series) as the
 * baseline in the same run: (agent − idle) / series is what the series cost above the fixed cost.
 *
 *     npm run build && bun scripts/bench/procfs.ts --agent [--seconds 60] [--warmup 40] [--buffer memory]
 *
 * Goal (issue 13): ≥ 500 series at ≤ 10 µs of CPU per series-second, collection + scoring.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Scorer } from "../../core/scoring/scorer.ts";
import { SeqAllocator } from "../../core/runtime/seq.ts";
import { BASE_GROUPS, createProcfsSource, DEFAULT_GROUPS, GROUP_NAMES, type Groups } from "../../core/sources/procfs/index.ts";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { createOnlineModel } from "../../models/online/default.ts";
import { arg, conditions, pinToOneCore, table } from "./harness.ts";
import { agentBinary, cpuSeconds, freePort, median } from "./proc.ts";
import { writeFile } from "node:fs/promises";

const ROUNDS = arg("rounds", 60);
const WARMUP = arg("warmup", 40);
/** Real pause between rounds (ms, not measured) so that the kernel's counters move between rounds as they would at 1 Hz. */
const GAP_MS = arg("gap-ms", 40);

/** `--buffer memory` runs the agents with `buffer: { type: memory }` (default: the agent's default, a disk buffer). */
const BUFFER = process.argv.includes("--buffer") ? process.argv[process.argv.indexOf("--buffer") + 1] : "";

const cpuUs = (u: NodeJS.CpuUsage): number => u.user + u.system;

interface Row {
  name: string;
  series: number;
  errors: number;
  collectUs: number;
  scoreUs: number;
}

interface Scenario {
  name: string;
  /** false: collection alone. */
  score: boolean;
  src: ReturnType<typeof createProcfsSource>;
  scorer: Scorer;
  collect: number[];
  scoring: number[];
  series: number[];
  errors: number;
}

/**
 * Warm-up then measured rounds of several group sets, interleaved round by round (A, B, C, A,
 * B, C...) so that the load of other processes on this machine weighs on each alike.
 */
async function runInterleaved(sets: Array<{ name: string; groups: Groups; score: boolean }>, dir: string, rounds: number, warmup: number): Promise<Row[]> {
  const scenarios: Scenario[] = sets.map((s, i) => ({
    name: s.name,
    score: s.score,
    src: createProcfsSource({ id: "host", intervalMs: 1000, groups: s.groups }),
    scorer: new Scorer(createOnlineModel("online:default"), {
      agentId: "bench",
      hostName: "bench-host",
      seq: new SeqAllocator(join(dir, `s${i}`)),
      telemetry: new Telemetry(),
    }),
    collect: [],
    scoring: [],
    series: [],
    errors: 0,
  }));
  let now = Date.UTC(2026, 0, 1);
  for (let r = 0; r < warmup + rounds; r++) {
    now += 1000;
    for (const sc of scenarios) {
      await Bun.sleep(GAP_MS / scenarios.length);
      const c0 = process.cpuUsage();
      const res = await sc.src.collect(now);
      const c1 = process.cpuUsage();
      if (sc.score) await sc.scorer.score(res.samples, now);
      const c2 = process.cpuUsage();
      if (r < warmup) continue; // the model's warm-up (window + 2) and the JIT's
      sc.collect.push(cpuUs(c1) - cpuUs(c0));
      sc.scoring.push(cpuUs(c2) - cpuUs(c1));
      sc.series.push(res.samples.length);
      sc.errors += res.errors.length;
    }
  }
  for (const sc of scenarios) await sc.src.close?.();
  return scenarios.map((sc) => ({ name: sc.name, series: median(sc.series), errors: sc.errors, collectUs: median(sc.collect), scoreUs: median(sc.scoring) }));
}

interface AgentRow {
  name: string;
  series: number;
  cpuPct: number;
}

/** One agent process on `source` (a YAML flow mapping) for WARMUP + SECONDS; its CPU share and points per second. */
async function runAgent(bin: string, name: string, source: string, dir: string, seconds: number, warmup: number): Promise<AgentRow> {
  const port = await freePort();
  const sub = join(dir, name.replace(/\W+/g, "_"));
  const path = `${sub}.yaml`;
  const yaml = [
    `agent: { id: bench, data_dir: ${JSON.stringify(join(sub, "var"))} }`,
    "sources:",
    `  - ${source}`,
    "model: { online: default }",
    "sinks:",
    "  - { type: file, id: out, path: /dev/null }",
    `server: { listen: "127.0.0.1:${port}", enabled: true }`,
    BUFFER ? `buffer: { type: ${BUFFER} }` : "",
  ].join("\n");
  await writeFile(path, `${yaml}\n`);
  const child = Bun.spawn([bin, "run", "--config", path], { stdout: "ignore", stderr: "ignore", env: { ...process.env, AGENT_LOG_LEVEL: "warn" } });
  try {
    await Bun.sleep(warmup * 1000);
    const points = async () => ((await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { points: number }).points;
    const p0 = await points();
    const c0 = await cpuSeconds(child.pid);
    const t0 = performance.now();
    await Bun.sleep(seconds * 1000);
    const c1 = await cpuSeconds(child.pid);
    const wall = (performance.now() - t0) / 1000;
    const p1 = await points();
    return { name, series: (p1 - p0) / wall, cpuPct: (100 * (c1 - c0)) / wall };
  } finally {
    child.kill();
    await child.exited;
  }
}

async function agentMain(): Promise<void> {
  const seconds = arg("seconds", 60);
  const warmup = arg("warmup", 40);
  const bin = agentBinary();
  const dir = await mkdtemp(join(tmpdir(), "bench-procfs-agent-"));
  const started = conditions();
  const base = GROUP_NAMES.filter((g) => !BASE_GROUPS[g])
    .map((g) => `${g}: false`)
    .join(", ");
  const rows = [
    await runAgent(
      bin,
      "idle agent (synthetic, 10 series; baseline)",
      "{ type: synthetic, id: idle, series: 10, interval: 1s, seed: 7 }",
      dir,
      seconds,
      warmup,
    ),
    await runAgent(bin, "procfs, groups before", `{ type: procfs, id: host, interval: 1s, groups: { ${base} } }`, dir, seconds, warmup),
    await runAgent(bin, "procfs, default groups", "{ type: procfs, id: host, interval: 1s }", dir, seconds, warmup),
  ];
  await rm(dir, { recursive: true, force: true });
  const idle = rows[0];
  console.log(
    `\n## The agent process with the procfs source at 1 Hz (${BUFFER || "default"} buffer): CPU over ${seconds} s after ${warmup} s of warm-up, measured from outside`,
  );
  console.log(`${started}\n`);
  console.log(
    table(
      ["agent", "series (points/s)", "% of a core", "µs per series-second (whole process)", "**µs per series-second above the idle agent**"],
      rows.map((r) => [
        r.name,
        r.series.toFixed(0),
        r.cpuPct.toFixed(2),
        ((r.cpuPct * 1e4) / r.series).toFixed(1),
        r === idle ? "–" : (((r.cpuPct - idle.cpuPct) * 1e4) / r.series).toFixed(1),
      ]),
    ),
  );
  process.exit(0);
}

async function main(): Promise<void> {
  if (process.argv.includes("--agent")) return agentMain();
  if (!pinToOneCore()) return;
  const dir = await mkdtemp(join(tmpdir(), "bench-procfs-"));
  const started = conditions();
  const full = await runInterleaved(
    [
      { name: "base groups (before; baseline)", groups: { ...BASE_GROUPS }, score: true },
      { name: "default groups (all)", groups: { ...DEFAULT_GROUPS }, score: true },
      { name: "default without per_cpu, processes", groups: { ...DEFAULT_GROUPS, per_cpu: false, processes: false }, score: true },
      { name: "default groups (all), collect only", groups: { ...DEFAULT_GROUPS }, score: false },
    ],
    dir,
    ROUNDS,
    WARMUP,
  );
  const alone = await runInterleaved(
    GROUP_NAMES.map((g) => ({ name: g, groups: Object.fromEntries(GROUP_NAMES.map((x) => [x, x === g])) as Groups, score: false })),
    dir,
    20,
    5,
  );
  await rm(dir, { recursive: true, force: true });

  const per = (us: number, n: number) => (n > 0 ? (us / n).toFixed(2) : "–");
  console.log(`\n## procfs source on this machine: ${ROUNDS} rounds after ${WARMUP} warm-up rounds, CPU µs (user + system), median over rounds`);
  console.log(`${started}\n`);
  console.log(
    table(
      [
        "groups",
        "series",
        "errors",
        "collect µs/round",
        "score µs/round",
        "total µs/round",
        "collect µs/series",
        "**total µs per series-second (1 Hz)**",
        "% of a core at 1 Hz",
      ],
      full.map((r) => [
        r.name,
        r.series,
        r.errors,
        r.collectUs.toFixed(0),
        r.scoreUs.toFixed(0),
        (r.collectUs + r.scoreUs).toFixed(0),
        per(r.collectUs, r.series),
        per(r.collectUs + r.scoreUs, r.series),
        ((r.collectUs + r.scoreUs) / 1e4).toFixed(2),
      ]),
    ),
  );
  console.log("\n### Collection alone, one group at a time\n");
  console.log(
    table(
      ["group", "series", "errors", "collect µs/round", "µs/series"],
      alone.map((r) => [r.name, r.series, r.errors, r.collectUs.toFixed(0), per(r.collectUs, r.series)]),
    ),
  );
  console.log(
    "\nNetdata on this machine (issue 13): 1394 series at 10.3 µs per series-second; the agent before: 96 series at 53.8 µs (whole process, idle cost included).",
  );
  process.exit(0);
}

await main();
