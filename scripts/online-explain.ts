/**
 * Why `online:default` (or `--model online:lite`) scored what it did, row by row, on one file of
 * a NAB-layout corpus: per row the value, the score, whether an incident is open, the rarest
 * statistic, each of the eight value statistics (in noise units) with its ln p (tail and event
 * memory, before the Bonferroni factor: ×9 with the shape statistic, ×8 without; an alarm needs
 * the rarest ln p + ln(statistics looked at) below ln p₀ × the young bar), and the shape statistic's ln p at block
 * ends. Rows whose score is under `--min` are left out. `--options` passes AdaptiveOptions as JSON
 * (they win over what the name fixes: `{"art": true}` turns the shape on in online:lite).
 *
 *     bun scripts/online-explain.ts --file 24ae8d --from 3660 --to 3790 [--min 0.1]
 *         [--model online:default] [--data ../shared/data/nab-dev] [--options '{"incidentLearn":32}']
 * @module
 */
import { parseArgs } from "node:util";
import { readNabCorpus } from "../data/io/nab.ts";
import { windowRows } from "../models/eval/nab/index.ts";
import { AdaptiveDetector, type AdaptiveOptions } from "../models/online/adaptive.ts";
import { type AdaptiveModelName, adaptiveModelName, adaptiveOptions } from "../models/online/default.ts";
import { type AdaptiveState, P_DIP, P_DRIFT, P_DROP, P_LEVEL, P_NOVEL, P_POINT, P_SEASON, P_SPREAD, STATS } from "../models/online/adaptive-state.ts";

const { values: args } = parseArgs({
  options: {
    data: { type: "string", default: "../shared/data/nab-dev" },
    file: { type: "string" },
    from: { type: "string", default: "0" },
    to: { type: "string" },
    min: { type: "string", default: "0" },
    options: { type: "string" },
    model: { type: "string", default: "online:default" },
    help: { type: "boolean", short: "h", default: false },
  },
});

function fail(message: string): never {
  console.error(`online-explain: ${message}`);
  process.exit(2);
}

if (args.help) {
  console.log(
    "usage: bun scripts/online-explain.ts --file PART_OF_NAME [--from ROW] [--to ROW] [--min SCORE] [--model online:default|online:lite|online:shapes] [--data DIR] [--options JSON]",
  );
  process.exit(0);
}
if (!args.file) fail("--file is required (any part of a file's category/name, e.g. 24ae8d)");

/** Statistic names by index, from the constants that define the order. */
const NAMES: string[] = [];
for (const [i, n] of [
  [P_POINT, "point"],
  [P_LEVEL, "level"],
  [P_SPREAD, "spread"],
  [P_DRIFT, "drift"],
  [P_NOVEL, "novel"],
  [P_DIP, "dip"],
  [P_DROP, "drop"],
  [P_SEASON, "season"],
] as const)
  NAMES[i] = n;
if (NAMES.length !== STATS) fail(`expected ${STATS} statistic names, have ${NAMES.length}`);

let options: AdaptiveOptions = {};
if (args.options !== undefined) {
  try {
    options = JSON.parse(args.options) as AdaptiveOptions;
  } catch (e) {
    fail(`--options is not JSON: ${(e as Error).message}`);
  }
}
const corpus = await readNabCorpus(args.data).catch((e: Error) => fail(e.message));
const matches = corpus.files.filter((f) => f.key.includes(args.file as string));
if (matches.length !== 1) fail(`--file ${args.file} matches ${matches.length} files${matches.length ? `: ${matches.map((f) => f.key).join(", ")}` : ""}`);
const f = matches[0];
const n = f.series.values.length;
const from = Number(args.from);
const to = args.to === undefined ? n - 1 : Number(args.to);
const min = Number(args.min);
if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from)
  fail(`--from/--to must be rows with 0 ≤ from ≤ to, got ${args.from}, ${args.to}`);
if (!Number.isFinite(min)) fail(`--min must be a number, got ${args.min}`);

let name: AdaptiveModelName = "default";
try {
  name = adaptiveModelName(args.model);
} catch (e) {
  fail(`--model: ${(e as Error).message}`);
}
const model = new AdaptiveDetector(args.model, { ...adaptiveOptions(name), ...options });
const s = model.createState() as AdaptiveState;
console.log(`${f.key} (${n} rows), labelled windows ${JSON.stringify(windowRows(f.series.timestamps, f.windows))}`);
console.log(`row value score incident rarest | ${NAMES.map((x) => `${x}(ln p)`).join(" ")} | shape ln p | ln p0`);
for (let i = 0; i <= Math.min(to, n - 1); i++) {
  const score = model.scoreOne(s, f.series.values[i], f.series.timestamps[i]);
  if (i < from || score < min) continue;
  let rarest = 0;
  for (let c = 1; c < STATS; c++) if (s.lnc[c] < s.lnc[rarest]) rarest = c;
  const cells = NAMES.map((_, c) => `${s.stat[c].toFixed(2)}(${s.lnc[c].toFixed(1)})`);
  const shape = Number.isNaN(s.shapeLnP) ? "-" : s.shapeLnP.toFixed(1);
  const top = s.shapeLnP < Math.min(0, s.lnc[rarest]) ? "shape" : s.lnc[rarest] < 0 ? NAMES[rarest] : "-";
  console.log(
    `${i} ${f.series.values[i].toPrecision(5)} ${score.toFixed(3)} ${s.incident ? "I" : "-"} ${top} | ${cells.join(" ")} | ${shape} | ${s.lnP0.toFixed(1)}`,
  );
}
