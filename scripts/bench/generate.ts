/**
 * Benchmark: generate + write the default synthetic dataset (1000 series × 1440 points, CSV).
 *
 *     bun scripts/bench/generate.ts [--runs 3]
 *
 * Baselines measured in the same process on the same data:
 * - `io floor`: writing the already-encoded file texts (pure file-system cost);
 * - `naive`: a per-point encoder like the Python prototype / pandas path (a Date object and
 *   `toFixed(4)` per point, row objects, string concatenation), then the same writes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatSeriesCsv, writeDataset } from "../../data/io/index.ts";
import { generateDataset } from "../../data/synthetic/index.ts";
import { formatIsoAll } from "../../data/time.ts";
import type { Series } from "../../data/types.ts";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;

interface Row {
  name: string;
  run: number;
  points: number;
  seconds: number;
  bytes: number;
}

async function timed(fn: (dir: string) => Promise<number>): Promise<{ seconds: number; bytes: number }> {
  const dir = await mkdtemp(join(tmpdir(), "bench-gen-"));
  try {
    const t0 = performance.now();
    const bytes = await fn(dir);
    return { seconds: (performance.now() - t0) / 1000, bytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeTexts(dir: string, names: string[], texts: string[]): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < texts.length; i += 8) {
    const batch = texts.slice(i, i + 8).map((t, k) => Bun.write(join(dir, `${names[i + k]}.csv`), t));
    for (const n of await Promise.all(batch)) bytes += n;
  }
  return bytes;
}

function naiveCsv(s: Series): string {
  const rows = Array.from(s.values, (v, i) => ({ ts: new Date(s.timestamps[i]), v, l: s.labels?.[i] ?? 0 }));
  let out = "timestamp,value,label\n";
  for (const r of rows) {
    const ts = r.ts.toISOString().replace(".000Z", "Z");
    out += `${ts},${Number.isNaN(r.v) ? "" : String(Number(r.v.toFixed(4)))},${r.l}\n`;
  }
  return out;
}

const cases = new Map<string, Row[]>();
const add = (name: string, r: Omit<Row, "name">): void => {
  cases.set(name, [...(cases.get(name) ?? []), { name, ...r }]);
};
for (let run = 1; run <= RUNS; run++) {
  let points = 0;
  let genS = 0;
  const ours = await timed(async (dir) => {
    const g0 = performance.now();
    const ds = generateDataset();
    genS = (performance.now() - g0) / 1000;
    points = ds.series.length * ds.series[0].values.length;
    return (await writeDataset(dir, ds)).bytes;
  });
  add("ours: generate + write CSV", { run, points, ...ours });
  add("  ours: generate only", { run, points, seconds: genS, bytes: 0 });

  const ds = generateDataset();
  const names = ds.series.map((s) => s.name);
  const t0 = performance.now();
  const iso = formatIsoAll(ds.series[0].timestamps);
  const texts = ds.series.map((s) => formatSeriesCsv(s, iso));
  add("  ours: encode only", { run, points, seconds: (performance.now() - t0) / 1000, bytes: texts.reduce((n, t) => n + t.length, 0) });
  add("baseline: io floor (write)", { run, points, ...(await timed((dir) => writeTexts(dir, names, texts))) });
  add("baseline: naive encode+write", { run, points, ...(await timed((dir) => writeTexts(dir, names, ds.series.map(naiveCsv)))) });
}

const pad = (s: string, n: number): string => s.padEnd(n);
const runCols = Array.from({ length: RUNS }, (_, i) => pad(`run${i + 1} s`, 8)).join(" ");
console.log(`temp dir: ${tmpdir()}  (1000 series x 1440 points, seed 42)`);
console.log(`${pad("case", 30)} ${pad("points", 8)} ${runCols} ${pad("best s", 7)} ${pad("Mpts/s", 7)} MB`);
for (const [name, rs] of cases) {
  const best = Math.min(...rs.map((r) => r.seconds));
  const times = rs.map((r) => pad(r.seconds.toFixed(3), 8)).join(" ");
  const mb = rs[0].bytes ? (rs[0].bytes / 1e6).toFixed(1) : "-";
  console.log(`${pad(name, 30)} ${pad(String(rs[0].points), 8)} ${times} ${pad(best.toFixed(3), 7)} ${pad((rs[0].points / best / 1e6).toFixed(2), 7)} ${mb}`);
}
