/**
 * Where an online model wins and loses on a NAB-layout corpus, window by window: the NAB scores
 * (as `agent eval` prints them), then per file each labelled window with the row of its first
 * detection after the window's start and the NAB weight it earns (or MISS and the window's
 * highest score), and the rows of the false positives (detections outside windows, after NAB's
 * probation). `--options` passes AdaptiveOptions as JSON, so a knob can be tried without an
 * edit; `--threshold` looks at another threshold than the one NAB's optimiser picks.
 *
 *     bun scripts/nab-windows.ts [--data ../shared/data/nab-dev] [--model online:default]
 *         [--options '{"incidentLearn":32}'] [--threshold 0.5] [--misses]
 * @module
 */
import { parseArgs } from "node:util";
import { readNabCorpus } from "../data/io/nab.ts";
import { evaluateNab, probationLength, sweepFile, windowRows } from "../models/eval/nab/index.ts";
import { AdaptiveDetector, type AdaptiveOptions } from "../models/online/adaptive.ts";
import { type AdaptiveModelName, adaptiveModelName, adaptiveOptions, createOnlineModel } from "../models/online/default.ts";

const { values: args } = parseArgs({
  options: {
    data: { type: "string", default: "../shared/data/nab-dev" },
    model: { type: "string", default: "online:default" },
    options: { type: "string" },
    threshold: { type: "string" },
    misses: { type: "boolean", default: false },
  },
});

function modelFor(ref: string, json: string | undefined) {
  if (json === undefined) return createOnlineModel(ref);
  let options: AdaptiveOptions;
  try {
    options = JSON.parse(json) as AdaptiveOptions;
  } catch (e) {
    throw new Error(`--options is not JSON: ${(e as Error).message}`);
  }
  let name: AdaptiveModelName;
  try {
    name = adaptiveModelName(ref);
  } catch (e) {
    throw new Error(`--options applies to an adaptive online model: ${(e as Error).message}`);
  }
  // the name fixes the shape statistic (on, or off in online:lite) unless the options set it
  return new AdaptiveDetector(ref, { ...adaptiveOptions(name), ...options });
}

function fail(message: string): never {
  console.error(`nab-windows: ${message}`);
  process.exit(2);
}

const corpus = await readNabCorpus(args.data).catch((e: Error) => fail(e.message));
let model: ReturnType<typeof modelFor>;
try {
  model = modelFor(args.model, args.options);
} catch (e) {
  fail((e as Error).message);
}
const scores = await model.scoreSeries(
  corpus.files.map((f) => f.series.values),
  corpus.files.map((f) => f.series.timestamps),
);
const report = evaluateNab(
  corpus.files.map((f, i) => ({ category: f.category, timestamps: f.series.timestamps, windows: f.windows, scores: scores[i] })),
  corpus.profiles,
);
const std = report.standard;
console.log(
  `${model.name}${args.options ? ` ${args.options}` : ""}: NAB ${Object.entries(report)
    .map(([p, r]) => `${p} ${r.score.toFixed(2)}`)
    .join(", ")}; threshold ${std.threshold.toFixed(3)}, TP ${std.tp} FN ${std.fn} FP ${std.fp}\n`,
);
const threshold = args.threshold !== undefined ? Number(args.threshold) : std.threshold;
if (!Number.isFinite(threshold)) fail(`--threshold must be a number, got "${args.threshold}"`);
const costs = corpus.profiles.standard ?? Object.values(corpus.profiles)[0];

corpus.files.forEach((f, i) => {
  const s = scores[i];
  const windows = windowRows(f.series.timestamps, f.windows);
  const weights = sweepFile(s.length, windows, costs).weights;
  const hits: number[] = [];
  for (let r = probationLength(s.length); r < s.length; r++) if (s[r] >= threshold) hits.push(r);
  const cells = windows.map(([a, b]) => {
    const first = hits.find((r) => r >= a && r <= b);
    if (first !== undefined) return `[${a}–${b}] hit +${first - a} (${weights[first].toFixed(2)})`;
    let max = 0;
    for (let r = a; r <= b; r++) max = Math.max(max, s[r]);
    return `[${a}–${b}] MISS (max ${max.toFixed(3)})`;
  });
  const fps = hits.filter((r) => !windows.some(([a, b]) => r >= a && r <= b));
  const missed = cells.some((c) => c.includes("MISS"));
  if (args.misses && !missed && fps.length === 0) return;
  console.log(`${f.key} (${s.length} rows)  ${cells.join("  ")}${fps.length ? `  FP at ${fps.join(", ")}` : ""}`);
});
