/**
 * Benchmark of the tree/statistics detectors: fits an Isolation Forest on 20k random windows
 * of width 33, scores 200k rows several ways, and prints rows/s beside two references run in
 * the same process — a loop computing each row's mean (memory-bandwidth floor) and a naive
 * object-per-node Isolation Forest walking the *same* trees recursively.
 *
 *     bun scripts/bench/iforest.ts [--rows 200000] [--repeat 3]
 */
import type { WindowBatch } from "../../models/detector.ts";
import { averagePathLength, type ForestArrays } from "../../models/detectors/isolation-forest/iforest-arrays.ts";
import { IsolationForest } from "../../models/detectors/isolation-forest/isolation-forest.ts";
import { RobustZScore } from "../../models/detectors/robust-zscore/robust-zscore.ts";
import { gaussianBatch } from "../../models/detectors/testing/test-data.ts";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg("rows", 200_000);
const REPEAT = arg("repeat", 3);
const WINDOW = 32;
const WIDTH = WINDOW + 1;

interface ObjNode {
  feature: number;
  threshold: number;
  left: ObjNode | null;
  right: ObjNode | null;
  size: number;
}

/** The same forest as a tree of JS objects (the textbook implementation). */
function toObjects(f: ForestArrays): ObjNode[] {
  const make = (i: number): ObjNode => ({
    feature: f.feature[i],
    threshold: f.threshold[i],
    size: f.size[i],
    left: f.feature[i] >= 0 ? make(f.left[i]) : null,
    right: f.feature[i] >= 0 ? make(f.right[i]) : null,
  });
  return Array.from(f.roots, make);
}

function pathLength(node: ObjNode, row: Float32Array, depth: number): number {
  if (!node.left || !node.right) return depth + averagePathLength(node.size);
  return pathLength(row[node.feature] < node.threshold ? node.left : node.right, row, depth + 1);
}

/** Best of REPEAT runs, in rows/s. */
async function rate(run: () => unknown | Promise<unknown>): Promise<number> {
  await run(); // warm-up / JIT
  let best = 0;
  for (let k = 0; k < REPEAT; k++) {
    const t0 = performance.now();
    await run();
    best = Math.max(best, ROWS / ((performance.now() - t0) / 1000));
  }
  return best;
}

const train = gaussianBatch(20_000, WIDTH, 1);
const test: WindowBatch = gaussianBatch(ROWS, WIDTH, 2);
const out = new Float32Array(ROWS);

const forest = new IsolationForest({ window: WINDOW, extra: 1 });
const tFit = performance.now();
await forest.fit(train, { seed: 1 });
const fitMs = performance.now() - tFit;
const { params, files } = await forest.save();
const trees = forest.trees!;
const objTrees = toObjects(trees);
const psi = Number(params.psi);

const results: [string, number][] = [];
results.push([
  "baseline: row mean loop",
  await rate(() => {
    for (let r = 0; r < ROWS; r++) {
      let s = 0;
      for (let j = 0, b = r * WIDTH; j < WIDTH; j++) s += test.data[b + j];
      out[r] = s / WIDTH;
    }
  }),
]);
results.push([
  "baseline: naive object-tree IF",
  await rate(() => {
    const c = averagePathLength(psi) * objTrees.length;
    for (let r = 0; r < ROWS; r++) {
      const row = test.data.subarray(r * WIDTH, (r + 1) * WIDTH);
      let h = 0;
      for (const t of objTrees) h += pathLength(t, row, 0);
      out[r] = 2 ** (-h / c);
    }
  }),
]);
results.push(["IF batched (scoreInto)", await rate(() => forest.scoreInto(test, out))]);
results.push(["IF batched (await scoreRaw)", await rate(() => forest.scoreRaw(test))]);
results.push([
  "IF one row at a time (scoreInto)",
  await rate(() => {
    const one = new Float32Array(1);
    for (let r = 0; r < ROWS; r++) forest.scoreInto({ data: test.data.subarray(r * WIDTH, (r + 1) * WIDTH), n: 1, width: WIDTH }, one);
  }),
]);
results.push([
  "IF one row at a time (await scoreRaw)",
  await rate(async () => {
    for (let r = 0; r < ROWS; r++) await forest.scoreRaw({ data: test.data.subarray(r * WIDTH, (r + 1) * WIDTH), n: 1, width: WIDTH });
  }),
]);
for (const method of ["mad", "ewma", "max"] as const) {
  const det = new RobustZScore({ window: WINDOW, extra: 1, method });
  await det.fit(train);
  results.push([`robust-zscore ${method} (scoreInto)`, await rate(() => det.scoreInto(test, out))]);
}

const naive = results[1][1];
console.log(
  `bun ${Bun.version}, ${ROWS.toLocaleString("en")} rows × width ${WIDTH}, IF ${forest.nTrees} trees ψ=${psi}, ${trees.feature.length} nodes (${files[0].data.byteLength} B), fit ${fitMs.toFixed(1)} ms on 20k rows; best of ${REPEAT}`,
);
console.log(`${"method".padEnd(40)} ${"rows/s".padStart(12)} ${"ns/row".padStart(9)} ${"× naive IF".padStart(11)}`);
for (const [name, r] of results) {
  console.log(
    `${name.padEnd(40)} ${Math.round(r).toLocaleString("en").padStart(12)} ${(1e9 / r).toFixed(0).padStart(9)} ${(r / naive).toFixed(2).padStart(11)}`,
  );
}
