/**
 * Memory per series in online mode: creates N `online:default` (and `online:lite`) states, feeds each `--samples`
 * samples through `scoreTick`, and divides the growth of the JS heap (after a full GC) by N —
 * beside a baseline of one empty object per series and a bundle model's state (featurizer
 * only), all in one run. Also shows the states' own `bytes` estimate and JSC's view
 * (`bun:jsc` heapStats: GC heap + extra memory such as typed-array stores outside it).
 *
 *     bun scripts/bench/online-memory.ts [--samples 100] [--no-pin]
 */
import { heapStats } from "bun:jsc";
import { DenseAutoencoder } from "../../models/detectors/autoencoder/autoencoder.ts";
import { BundleModel } from "../../models/bundle-model.ts";
import { defaultFeatureSpec } from "../../models/features/spec.ts";
import type { ScoringModel, SeriesState } from "../../models/model.ts";
import { createOnlineModel } from "../../models/online/default.ts";
import { createRng } from "../../data/random.ts";
import { arg, conditions, pinToOneCore, table } from "./harness.ts";

const SAMPLES = arg("samples", 100);
const GOAL = 16 * 1024;

interface Snapshot {
  heapUsed: number;
  jscHeap: number;
  jscExtra: number;
  rss: number;
}

function snapshot(): Snapshot {
  Bun.gc(true);
  Bun.gc(true);
  const s = heapStats();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, jscHeap: s.heapSize, jscExtra: s.extraMemorySize, rss: m.rss };
}

/** Feeds `samples` ticks of noisy seasonal values to every state. */
async function feed(model: ScoringModel, states: SeriesState[], samples: number): Promise<void> {
  const rng = createRng(1);
  const tick = new Float64Array(states.length);
  for (let t = 0; t < samples; t++) {
    for (let i = 0; i < states.length; i++) tick[i] = 10 + Math.sin((t + i) / 20) + rng.next();
    await model.scoreTick(states, tick);
  }
}

/** Measures one N (child process): prints one JSON line of table rows. */
async function main(): Promise<void> {
  const online = createOnlineModel("online:default");
  const lite = createOnlineModel("online:lite");
  const spec = defaultFeatureSpec(32);
  // A bundle model's per-series state is a featurizer; the detector is never called here.
  const bundle = new BundleModel("ae", "1", new DenseAutoencoder({ width: 33 }), spec, 1);
  const noScore = {
    ...bundle,
    scoreTick: async (s: readonly SeriesState[], v: ArrayLike<number>) => {
      for (let i = 0; i < s.length; i++)
        (s[i] as unknown as { featurizer: { push: (x: number, o: Float32Array, at: number) => void } }).featurizer.push(v[i], row, 0);
      return new Float32Array(0);
    },
  } as unknown as ScoringModel;
  const row = new Float32Array(33);
  const kinds: [string, (n: number) => Promise<{ held: unknown; estimate: number }>][] = [
    ["baseline: empty object", async (n) => ({ held: Array.from({ length: n }, () => ({})), estimate: Number.NaN })],
    [
      "online:default state",
      async (n) => {
        const states = Array.from({ length: n }, () => online.createState());
        await feed(online, states, SAMPLES);
        return { held: states, estimate: states[0].bytes };
      },
    ],
    [
      "online:lite state",
      async (n) => {
        const states = Array.from({ length: n }, () => lite.createState());
        await feed(lite, states, SAMPLES);
        return { held: states, estimate: states[0].bytes };
      },
    ],
    [
      "bundle state (featurizer)",
      async (n) => {
        const states = Array.from({ length: n }, () => bundle.createState());
        await feed(noScore, states, SAMPLES);
        return { held: states, estimate: states[0].bytes };
      },
    ],
  ];
  const n = arg("n", 0);
  const rowsOut: string[][] = [];
  // Everything stays reachable until the end: each kind's growth is measured on top of the
  // previous ones, so nothing freed late (JSC scans the stack conservatively) can blur a row.
  const held: unknown[] = [];
  let baseline = 0;
  for (const [name, make] of kinds) {
    const before = snapshot();
    const made = await make(n);
    held.push(made.held);
    const after = snapshot();
    const per = (k: keyof Snapshot) => (after[k] - before[k]) / n;
    const isBase = name.startsWith("baseline");
    const heap = per("heapUsed");
    if (isBase) baseline = heap;
    const net = heap - baseline;
    rowsOut.push([
      name,
      n.toLocaleString("en"),
      heap.toFixed(0),
      isBase ? "—" : net.toFixed(0),
      `${per("jscHeap").toFixed(0)} + ${per("jscExtra").toFixed(0)}`,
      per("rss").toFixed(0),
      Number.isNaN(made.estimate) ? "—" : String(made.estimate),
      name.startsWith("online") ? `≤ ${GOAL} B: ${net <= GOAL ? "met" : "MISSED"}` : "",
    ]);
  }
  console.log(JSON.stringify({ rows: rowsOut, held: held.length }));
}

/** Runs one fresh process per N (so one N's garbage cannot leak into the next) and prints the table. */
async function report(): Promise<void> {
  const started = conditions();
  const body: string[][] = [];
  for (const n of [10_000, 50_000]) {
    const args = process.argv.slice(1);
    const child = Bun.spawnSync([process.execPath, ...args, "--n", String(n)], { env: process.env, stderr: "inherit" });
    const text = child.stdout.toString().trim().split("\n").pop() ?? "";
    if (child.exitCode !== 0 || !text.startsWith("{")) throw new Error(`measurement for N=${n} failed (exit ${child.exitCode})`);
    body.push(...(JSON.parse(text) as { rows: string[][] }).rows);
  }
  console.log(`# Memory per series (${SAMPLES} samples fed to each state)\n\n${started}\n`);
  console.log("Bytes per series = growth after Bun.gc(true) ÷ N, kinds measured one on top of the other in one");
  console.log("process per N; 'net' subtracts the empty-object baseline (array slot + object) of the same N.\n");
  const header = ["state", "N", "heapUsed B/series", "net B/series", "jsc heap + extra B/series", "RSS B/series", "state.bytes", "goal"];
  console.log(table(header, body));
  console.log(`\n${conditions()}`);
}

if (pinToOneCore()) await (arg("n", 0) > 0 ? main() : report());
