/**
 * Shared benchmark plumbing: pin to one core, repeatable timing (best / median / spread of N
 * runs), realistic window rows from the synthetic generator, and markdown tables.
 */
import { cpus, loadavg } from "node:os";
import { generateDataset } from "../../data/synthetic/index.ts";
import type { WindowBatch } from "../../models/detector.ts";
import { defaultFeatureSpec } from "../../models/features/spec.ts";
import { buildWindows } from "../../models/features/windows.ts";

/** `--name value` from argv, else `fallback`. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/**
 * Re-runs this script under `taskset -c <core>` (once) so JIT and GC helper threads share the
 * measured core: "per core" then means one core. `--no-pin` skips it. Returns false in the
 * parent (which should exit with the child's code), true where benchmarking should happen.
 */
export function pinToOneCore(): boolean {
  if (process.env.BENCH_PINNED || process.argv.includes("--no-pin") || !Bun.which("taskset")) return true;
  const core = String(arg("core", cpus().length - 1));
  const child = Bun.spawnSync(["taskset", "-c", core, process.execPath, ...process.argv.slice(1)], {
    env: { ...process.env, BENCH_PINNED: core },
    stdio: ["inherit", "inherit", "inherit"],
  });
  process.exitCode = child.exitCode ?? 1;
  return false;
}

/** One line describing the conditions, for the top of a report. */
export function conditions(): string {
  const [l1, l5] = loadavg();
  const pinned = process.env.BENCH_PINNED ? `pinned to core ${process.env.BENCH_PINNED}` : "not pinned";
  return `bun ${Bun.version}, ${cpus().length} cores (${pinned}), load avg ${l1.toFixed(2)} / ${l5.toFixed(2)} (1/5 min)`;
}

/** Rates of repeated runs of one measurement. */
export interface Rate {
  best: number;
  median: number;
  /** (best − worst) / best. */
  spread: number;
  runs: number;
}

/**
 * Runs `run` once to warm up, then `repeat` times, each run doing `items` units of work;
 * returns units per second. A run shorter than `minMs` is repeated inside the timing (the
 * number of units is scaled) so small measurements are not dominated by timer noise.
 */
export async function measure(items: number, run: () => unknown, repeat = 5, minMs = 150): Promise<Rate> {
  await run();
  let t0 = performance.now();
  await run();
  const inner = Math.max(1, Math.ceil(minMs / Math.max(0.01, performance.now() - t0)));
  const rates: number[] = [];
  for (let k = 0; k < repeat; k++) {
    t0 = performance.now();
    for (let i = 0; i < inner; i++) await run();
    rates.push((items * inner) / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => b - a);
  const best = rates[0];
  return { best, median: rates[rates.length >> 1], spread: (best - rates[rates.length - 1]) / best, runs: repeat };
}

/**
 * Like {@link measure} for several contenders at once, interleaved run by run (a, b, c, a, b,
 * c, …) so a change in background load hits all of them alike — for ratios between them.
 */
export async function measureInterleaved(items: number, runs: (() => unknown)[], repeat = 5, minMs = 150): Promise<Rate[]> {
  const inner: number[] = [];
  for (const run of runs) {
    await run();
    const t0 = performance.now();
    await run();
    inner.push(Math.max(1, Math.ceil(minMs / Math.max(0.01, performance.now() - t0))));
  }
  const rates: number[][] = runs.map(() => []);
  for (let k = 0; k < repeat; k++) {
    for (const [j, run] of runs.entries()) {
      const t0 = performance.now();
      for (let i = 0; i < inner[j]; i++) await run();
      rates[j].push((items * inner[j]) / ((performance.now() - t0) / 1000));
    }
  }
  return rates.map((r) => {
    r.sort((a, b) => b - a);
    return { best: r[0], median: r[r.length >> 1], spread: (r[0] - r[r.length - 1]) / r[0], runs: repeat };
  });
}

/** `n` realistic rows (width `window + 1`) from synthetic series, as the featurizer builds them. */
export function realisticWindows(n: number, window = 32, seed = 7): WindowBatch {
  const perSeries = 1440 - window - 2;
  const ds = generateDataset({ nSeries: Math.ceil(n / perSeries) + 1, nPoints: 1440, seed });
  const w = buildWindows(
    ds.series.map((s) => s.values),
    defaultFeatureSpec(window),
  );
  if (w.batch.n < n) throw new Error(`only ${w.batch.n} windows built, wanted ${n}`);
  return { data: w.batch.data.slice(0, n * w.batch.width), n, width: w.batch.width };
}

/** Rows `[from, from + n)` of a batch, without copying. */
export function rows(batch: WindowBatch, from: number, n: number): WindowBatch {
  return { data: batch.data.subarray(from * batch.width, (from + n) * batch.width), n, width: batch.width };
}

/** 12345 → "12.3k", 1234567 → "1.23M". */
export function si(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e3) return `${(v / 1e3).toPrecision(3)}k`;
  return v.toPrecision(3);
}

/** "1.23M (med 1.20M, ±4%)". */
export function fmtRate(r: Rate): string {
  return `${si(r.best)} (med ${si(r.median)}, ±${Math.round(r.spread * 100)}%)`;
}

/** A markdown table. */
export function table(header: string[], body: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...body.map(line)].join("\n");
}
