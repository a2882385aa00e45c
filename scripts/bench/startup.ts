/**
 * Time from process start to the first scored point, compiled binary (dist/agent, built if
 * missing), median of `--runs` (default 5) cold-ish starts (page cache warm: the binary was run
 * before). The clock starts just before `spawn` and the file sink's output is polled every 1 ms.
 *
 * "First scored point" = the first record written by the file sink. The first `window + 2` = 34
 * points of a series are warm-up (score 0) but they are records, so this is the time until the
 * pipeline (config, model, buffer, scorer, driver, sink) delivers anything. Rows:
 *   - `--version`: the baseline, the cost of starting the binary at all;
 *   - first record with the sink batching for 10 ms (`batch: { max_wait: 10ms }`): start-up itself;
 *   - first record with the default batching (max_wait 1 s, 500 records): what a user sees;
 *   - first non-warm-up score (the first record whose score comes from the model: not warm-up,
 *     not a gap) with a 10 ms source interval, so warm-up takes ~34 × 10 ms.
 * Also shown: when the "agent started" log line appears (stderr, JSON).
 *
 *     npm run build && bun scripts/bench/startup.ts [--runs 5] [--series 50]
 *
 * Goal: first record ≤ 200 ms.
 */
import { open, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { conditions, table } from "./harness.ts";
import { agentBinary, argStr, freePort, median, writeAgentConfig } from "./proc.ts";

const RUNS = Number(argStr("runs", "5"));
const SERIES = Number(argStr("series", "50"));
const TIMEOUT_MS = 20_000;
const GOAL_MS = 200;

interface Times {
  /** ms to the "agent started" log line. */
  started?: number;
  /** ms to the first record in the file. */
  first?: number;
  /** ms to the first record with a model score. */
  scored?: number;
  /** ms to exit (for --version). */
  exit?: number;
}

/** Times `agent --version` (spawn → exit). */
async function versionRun(bin: string): Promise<Times> {
  const t0 = performance.now();
  const p = Bun.spawn([bin, "--version"], { stdout: "pipe", stderr: "ignore" });
  await p.exited;
  return { exit: performance.now() - t0 };
}

/** Reads new bytes of `path` from `offset` (empty when the file does not exist yet). */
async function readFrom(path: string, offset: number): Promise<string> {
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  if (size <= offset) return "";
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(size - offset);
    await fh.read(buf, 0, buf.length, offset);
    return buf.toString("utf8");
  } finally {
    await fh.close();
  }
}

/** Runs the agent until the wanted events are seen; times are from just before spawn. */
async function agentRun(bin: string, opts: { interval: string; maxWait?: string; waitScored: boolean }): Promise<Times> {
  const batch = opts.maxWait ? `, batch: { max_wait: ${opts.maxWait}, max_records: ${SERIES} }` : "";
  const { path, dir } = await writeAgentConfig({ series: SERIES, interval: opts.interval, port: await freePort() });
  const out = join(dir, "out.jsonl");
  if (batch) await Bun.write(path, (await Bun.file(path).text()).replace(/(id: out, path: "[^"]*")/, `$1${batch}`));
  const times: Times = {};
  const t0 = performance.now();
  const child = Bun.spawn([bin, "run", "--config", path], { stdout: "ignore", stderr: "pipe", env: { ...process.env, NODE_NO_WARNINGS: "1" } });
  // stderr: the JSON log; note when "agent started" appears.
  void (async () => {
    const dec = new TextDecoder();
    let text = "";
    for await (const chunk of child.stderr) {
      text += dec.decode(chunk);
      if (times.started === undefined && text.includes('"msg":"agent started"')) times.started = performance.now() - t0;
    }
  })();
  try {
    let offset = 0;
    let partial = "";
    while (performance.now() - t0 < TIMEOUT_MS) {
      const chunk = await readFrom(out, offset);
      if (chunk) {
        const now = performance.now() - t0;
        offset += Buffer.byteLength(chunk);
        times.first ??= now;
        if (!opts.waitScored) break;
        const lines = (partial + chunk).split("\n");
        partial = lines.pop()!;
        const scored = lines.some((l) => {
          const d = JSON.parse(l) as { value?: number | null; anomaly?: { score?: number } };
          return d.value !== null && d.anomaly?.score !== undefined && d.anomaly.score > 0;
        });
        if (scored) {
          times.scored = now;
          break;
        }
      }
      await Bun.sleep(1);
    }
    if (times.first === undefined) throw new Error(`no record within ${TIMEOUT_MS} ms (config ${path})`);
    return times;
  } finally {
    child.kill("SIGKILL");
    await child.exited;
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const bin = agentBinary();
  const started = conditions();
  await versionRun(bin); // page cache
  await agentRun(bin, { interval: "1s", maxWait: "10ms", waitScored: false });
  const rows: { name: string; pick: keyof Times; runs: () => Promise<Times> }[] = [
    { name: "`agent --version` (baseline: spawn → exit)", pick: "exit", runs: () => versionRun(bin) },
    {
      name: "first record, batch max_wait 10ms (1 s interval)",
      pick: "first",
      runs: () => agentRun(bin, { interval: "1s", maxWait: "10ms", waitScored: false }),
    },
    { name: "first record, default batching (max_wait 1 s)", pick: "first", runs: () => agentRun(bin, { interval: "1s", waitScored: false }) },
    {
      name: "first non-warm-up score, 10 ms interval, max_wait 10ms",
      pick: "scored",
      runs: () => agentRun(bin, { interval: "10ms", maxWait: "10ms", waitScored: true }),
    },
  ];
  const results = rows.map(() => [] as Times[]);
  for (let k = 0; k < RUNS; k++) for (const [i, row] of rows.entries()) results[i]!.push(await row.runs()); // interleaved
  const fmt = (xs: (number | undefined)[]) => {
    const v = xs.filter((x): x is number => x !== undefined);
    return v.length ? `${median(v).toFixed(0)} (${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)})` : "–";
  };
  console.log(`\n## Start-up of dist/agent: synthetic ${SERIES} series → online:default → file, median (min–max) of ${RUNS} runs, ms from spawn`);
  console.log(`${started}\n`);
  console.log(
    table(
      ["what", "ms", "'agent started' log line, ms"],
      rows.map((row, i) => [row.name, fmt(results[i]!.map((t) => t[row.pick])), row.pick === "exit" ? "–" : fmt(results[i]!.map((t) => t.started))]),
    ),
  );
  console.log(
    `\nGoal: first record ≤ ${GOAL_MS} ms. Warm-up points (score 0) count as records; the last row waits for a model score (window + 2 = 34 samples).`,
  );
}

await main();
