/**
 * False alarms per series per day of `online:default` (or `--model online:lite`) on eight shapes of series that behave as
 * they always have (30 days at 1 minute, the first day excluded, mean of 3 seeds), at
 * `alarms_per_day` 0.1 (the default) and 1. The table in models/online/README.md comes from here.
 *
 *     bun scripts/online-false-alarms.ts [--days 30] [--model online:default|online:lite|online:shapes]
 * @module
 */
import { parseArgs } from "node:util";
import { createRng } from "../data/random.ts";
import { alignColumns } from "../models/eval/table.ts";
import { AdaptiveDetector } from "../models/online/adaptive.ts";
import { adaptiveModelName, adaptiveOptions } from "../models/online/default.ts";

const { values: args } = parseArgs({ options: { days: { type: "string", default: "30" }, model: { type: "string", default: "online:default" } } });
const modelName = adaptiveModelName(args.model);
const days = Number(args.days);
if (!Number.isInteger(days) || days < 2) throw new Error(`--days must be an integer ≥ 2, got "${args.days}"`);
const n = days * 1440;
const gaussian = (r: () => number): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

const SHAPES: Record<string, (r: () => number) => Float64Array> = {
  "Gaussian gauge": (r) => Float64Array.from({ length: n }, () => 50 + 5 * gaussian(r)),
  "daily gauge": (r) => Float64Array.from({ length: n }, (_, i) => 50 + 20 * Math.sin((2 * Math.PI * i) / 1440) + 3 * gaussian(r)),
  "random walk": (r) => {
    let x = 0;
    return Float64Array.from({ length: n }, () => (x += gaussian(r)));
  },
  "square wave": () => Float64Array.from({ length: n }, (_, i) => (Math.floor(i / 90) % 2 ? 10 : 0)),
  "bursty count": (r) => Float64Array.from({ length: n }, () => (r() < 0.05 ? Math.round(200 * -Math.log(1 - r())) : 0)),
  "0/1 flag": (r) => Float64Array.from({ length: n }, () => (r() < 0.01 ? 1 : 0)),
  "log-normal": (r) => Float64Array.from({ length: n }, () => Math.exp(1.5 * gaussian(r))),
  "quantised gauge": (r) => Float64Array.from({ length: n }, () => Math.round(3 + gaussian(r))),
};
const SEEDS = [1, 2, 3];
const times = Float64Array.from({ length: n }, (_, i) => Date.UTC(2026, 0, 5) + i * 60_000);

const rows: string[][] = [];
for (const [name, make] of Object.entries(SHAPES)) {
  const row = [name];
  for (const alarmsPerDay of [0.1, 1]) {
    let alarms = 0;
    for (const seed of SEEDS) {
      const [s] = await new AdaptiveDetector(args.model, adaptiveOptions(modelName, { alarmsPerDay })).scoreSeries([make(createRng(seed).next)], [times]);
      for (let i = 1440; i < n; i++) if (s[i] >= 0.5) alarms++;
    }
    row.push((alarms / SEEDS.length / (days - 1)).toFixed(2));
  }
  rows.push(row);
}
console.log(`${args.model}: false alarms per series per day (${days} days at 1 minute, first day excluded, mean of ${SEEDS.length} seeds)\n`);
console.log(alignColumns(["series", "alarms_per_day 0.1", "alarms_per_day 1"], rows));
