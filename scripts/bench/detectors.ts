/**
 * Detector throughput on one core, all in one run: windows/s for every detector batched (one
 * call on `--batch` rows, best of `--repeat`) and one window per call (a loop of single-row
 * calls); the dense autoencoder beside bare tfjs on the *same* network ((a) `predict` + MSE,
 * (b) a hand-written matMul/add/relu chain); then `scoreTick` throughput of bundle models and the
 * online model at 1k and 10k series. Detectors are fitted quickly on synthetic windows
 * (1 epoch — speed, not accuracy, is measured). Re-runs itself under `taskset` (see harness).
 *
 * Then the two forward passes of each neural detector (autoencoder, lstm-, gru-autoencoder,
 * vae) — tfjs on WASM SIMD vs plain TypeScript — at 1 … 10k windows per call, interleaved run
 * by run, with the winner per cell and the crossover batch size per detector (the numbers
 * `models/detectors/shared/score-path.ts` is set from), and the fixed cost of one minimal tfjs
 * call beside `online:default`'s cost per point. `--paths-only` runs only this part.
 *
 *     bun scripts/bench/detectors.ts [--batch 65536] [--single 2000] [--repeat 5] [--no-pin] [--paths-only]
 */
import type { Detector, DetectorKind, WindowBatch } from "../../models/detector.ts";
import type { DenseAutoencoder } from "../../models/detectors/autoencoder/autoencoder.ts";
import { createDetector } from "../../models/detectors/catalog.ts";
import { BundleModel } from "../../models/bundle-model.ts";
import { defaultFeatureSpec } from "../../models/features/spec.ts";
import type { ScoringModel } from "../../models/model.ts";
import { createOnlineModel } from "../../models/online/default.ts";
import { scoresWithTfjs, TFJS_MIN_ROWS, type TwoPathKind } from "../../models/detectors/shared/score-path.ts";
import type { GruAutoencoder } from "../../models/detectors/gru-autoencoder/gru-autoencoder.ts";
import type { LstmAutoencoder } from "../../models/detectors/lstm-autoencoder/lstm-autoencoder.ts";
import type { VariationalAutoencoder } from "../../models/detectors/vae/vae.ts";
import { initTf, tf } from "../../models/tfjs/backend.ts";
import { generateDataset } from "../../data/synthetic/index.ts";
import { arg, conditions, fmtRate, measure, measureInterleaved, pinToOneCore, realisticWindows, rows, si, table, type Rate } from "./harness.ts";

const BATCH = arg("batch", 65_536);
const SINGLE = arg("single", 2_000);
const REPEAT = arg("repeat", 5);
const WINDOW = 32;
const WIDTH = WINDOW + 1;
const GOAL_DENSE = 250_000;
const GOAL_IF = 250_000;

async function main(): Promise<void> {
  const info = await initTf();
  const started = conditions();
  const train = realisticWindows(20_000, WINDOW, 1);
  const test = realisticWindows(BATCH, WINDOW, 2);
  const fitted = new Map<DetectorKind, Detector>();
  for (const kind of ["autoencoder", "lstm-autoencoder", "isolation-forest", "robust-zscore", "ensemble"] as const) {
    const det = createDetector(kind, WIDTH);
    const fitRows = kind === "lstm-autoencoder" ? rows(train, 0, 2_000) : train;
    await det.fit(fitRows, { seed: 1, epochs: 1 });
    fitted.set(kind, det);
  }

  const batched = (score: (b: WindowBatch) => unknown, n = BATCH, repeat = REPEAT) => measure(n, () => score(rows(test, 0, n)), repeat);
  const single = (score: (b: WindowBatch) => unknown, n = SINGLE) =>
    measure(
      n,
      async () => {
        for (let i = 0; i < n; i++) await score(rows(test, i, 1));
      },
      3,
    );

  // --- detectors ---
  const body: string[][] = [];
  const results = new Map<string, [Rate, Rate]>();
  for (const [kind, det] of fitted) {
    if (kind === "autoencoder") {
      results.set(kind, [undefined!, undefined!]); // keeps table order; measured beside bare tfjs below
      continue;
    }
    const b = await batched((x) => det.scoreRaw(x), BATCH, kind === "lstm-autoencoder" ? 3 : REPEAT);
    const s = await single((x) => det.scoreRaw(x), kind === "lstm-autoencoder" ? SINGLE / 4 : SINGLE);
    results.set(kind, [b, s]);
  }
  const online = createOnlineModel("online:default");
  const ds = generateDataset({ nSeries: 200, nPoints: 1440, seed: 3 });
  const values = ds.series.map((s) => s.values);
  const points = values.length * 1440;
  const onlineBatch = await measure(points, () => online.scoreSeries(values), 3);
  const onlineState = online.createState();
  const one = new Float64Array(1);
  let t = 0;
  const onlineSingle = await measure(
    SINGLE * 10,
    async () => {
      for (let i = 0; i < SINGLE * 10; i++) {
        one[0] = values[0][t++ % 1440];
        await online.scoreTick([onlineState], one);
      }
    },
    3,
  );
  results.set("online:default", [onlineBatch, onlineSingle]);

  // --- bare tfjs on the dense autoencoder's network ---
  const ae = fitted.get("autoencoder") as DenseAutoencoder;
  const model = ae.layersModel!;
  const weights = model.getWeights() as tf.Tensor2D[];
  const barePredict = (x: WindowBatch) => {
    const err = tf.tidy(() => {
      const input = tf.tensor2d(x.data, [x.n, x.width]);
      const out = model.predict(input, { batchSize: x.n }) as tf.Tensor2D;
      return tf.mean(tf.squaredDifference(out, input), 1);
    });
    const v = err.dataSync();
    err.dispose();
    return v;
  };
  const bareChain = (x: WindowBatch) => {
    const err = tf.tidy(() => {
      const input = tf.tensor2d(x.data, [x.n, x.width]);
      let h: tf.Tensor2D = input;
      for (let l = 0; l < weights.length / 2; l++) {
        h = tf.add(tf.matMul(h, weights[2 * l]), weights[2 * l + 1]);
        if (l < weights.length / 2 - 1) h = tf.relu(h);
      }
      return tf.mean(tf.squaredDifference(h, input), 1);
    });
    const v = err.dataSync();
    err.dispose();
    return v;
  };
  // ours and both bare variants interleaved run by run, so load changes hit all three alike
  const contenders = [(x: WindowBatch) => ae.scoreRaw(x), barePredict, bareChain];
  const [aeB, predictB, chainB] = await measureInterleaved(
    BATCH,
    contenders.map((f) => () => f(rows(test, 0, BATCH))),
    REPEAT,
  );
  const singleLoop = (f: (x: WindowBatch) => unknown) => async () => {
    for (let i = 0; i < SINGLE; i++) await f(rows(test, i, 1));
  };
  const [aeS, predictS, chainS] = await measureInterleaved(SINGLE, contenders.map(singleLoop), REPEAT);
  results.set("autoencoder", [aeB, aeS]);
  const bare = { predict: [predictB, predictS], chain: [chainB, chainS] };

  const goal = (kind: string, b: Rate): string => {
    if (kind === "autoencoder") {
      const ratio = b.best / Math.max(bare.predict[0].best, bare.chain[0].best);
      return `≥ ${si(GOAL_DENSE)}/s: ${b.best >= GOAL_DENSE ? "met" : "MISSED"}; ≥ 0.9× bare: ${ratio >= 0.9 ? "met" : "MISSED"}`;
    }
    if (kind === "isolation-forest") return `≥ ${si(GOAL_IF)}/s: ${b.best >= GOAL_IF ? "met" : "MISSED"}`;
    return "";
  };
  for (const [kind, [b, s]] of results) body.push([kind, fmtRate(b), fmtRate(s), goal(kind, b)]);
  for (const [name, [b, s]] of Object.entries(bare)) {
    body.push([
      `bare tfjs ${name === "predict" ? "(a) predict+MSE" : "(b) matMul/add/relu chain"}`,
      `${fmtRate(b)}; ours/bare ${(aeB.best / b.best).toFixed(2)}×`,
      `${fmtRate(s)}; ours/bare ${(aeS.best / s.best).toFixed(2)}×`,
      "",
    ]);
  }

  // --- scoreTick ---
  const tickBody: string[][] = [];
  const bundles: [string, ScoringModel][] = (["autoencoder", "isolation-forest", "lstm-autoencoder"] as const).map((k) => [
    `bundle ${k}`,
    new BundleModel(k, "1", fitted.get(k)!, defaultFeatureSpec(WINDOW), 1),
  ]);
  for (const [name, m] of [...bundles, ["online:default", online] as [string, ScoringModel]]) {
    const cells = [name];
    for (const nSeries of [1_000, 10_000]) {
      const states = Array.from({ length: nSeries }, () => m.createState());
      const tick = new Float64Array(nSeries);
      let step = 0;
      const advance = () => {
        for (let i = 0; i < nSeries; i++) tick[i] = values[i % values.length][step % 1440];
        step++;
        return m.scoreTick(states, tick);
      };
      for (let k = 0; k < WINDOW + 4; k++) await advance(); // past warm-up: every tick scores windows
      const r = await measure(nSeries, advance, REPEAT);
      cells.push(`${si(r.best / nSeries)} ticks/s = ${fmtRate(r)} samples/s`);
    }
    tickBody.push(cells);
  }

  console.log(`# Detector throughput (one core)\n\n${started}; tfjs ${info.tfjsVersion} ${info.backend} simd=${info.simd}`);
  console.log(`rows: synthetic windows, width ${WIDTH}; batched = ${BATCH} rows per call; single = 1 row per call.`);
  console.log("Rates are best of N runs (median, ±(best−worst)/best).\n");
  console.log(table(["detector", "batched windows/s", "one at a time windows/s", "goal"], body));
  console.log("\nonline:default 'batched' = scoreSeries over 200 series × 1440 points (points/s, incl. warm-up);");
  console.log("'one at a time' = scoreTick with one state.\n");
  console.log(table(["scoreTick (one sample per series)", "1k series", "10k series"], tickBody));
  const cpu = process.cpuUsage();
  console.log(`\nprocess CPU: user ${(cpu.user / 1e6).toFixed(1)} s, sys ${(cpu.system / 1e6).toFixed(1)} s; ${conditions()}`);
  for (const d of fitted.values()) d.dispose();
}

/** Series of typical agents: a few, the procfs source's default set, a large fleet host. */
const AGENT_SERIES = [10, 550, 10_000];
/** Batch sizes (windows per call) of the path comparison: fine around the crossings, plus {@link AGENT_SERIES}. */
const PATH_SIZES = [1, 8, 10, 32, 48, 64, 96, 128, 192, 256, 550, 1024, 10_000];

/**
 * Smallest measured size from which tfjs wins at every larger measured size, with an estimate
 * between the two sizes around it (the tfjs/plain ratio interpolated on log size); undefined
 * when plain TypeScript wins at the largest size.
 */
function crossover(sizes: number[], ratio: number[]): { from: number; estimate: number } | undefined {
  let k = sizes.length;
  while (k > 0 && ratio[k - 1] >= 1) k--;
  if (k === sizes.length) return undefined;
  if (k === 0) return { from: sizes[0], estimate: sizes[0] };
  const [l0, l1] = [Math.log(sizes[k - 1]), Math.log(sizes[k])];
  const [r0, r1] = [Math.log(ratio[k - 1]), Math.log(ratio[k])];
  return { from: sizes[k], estimate: Math.round(Math.exp(l0 + ((0 - r0) / (r1 - r0)) * (l1 - l0))) };
}

async function paths(): Promise<void> {
  const info = await initTf();
  const started = conditions();
  const train = realisticWindows(4_000, WINDOW, 1);
  const test = realisticWindows(Math.max(...PATH_SIZES), WINDOW, 2);
  const kinds = ["autoencoder", "lstm-autoencoder", "gru-autoencoder", "vae"] as const satisfies readonly TwoPathKind[];
  type Pass = (b: WindowBatch) => unknown;
  const passes = new Map<TwoPathKind, { plain: Pass; tfjs: Pass; det: Detector }>();
  for (const kind of kinds) {
    const det = createDetector(kind, WIDTH);
    await det.fit(kind === "autoencoder" || kind === "vae" ? train : rows(train, 0, 1_000), { seed: 1, epochs: 1 });
    if (kind === "autoencoder") {
      const ae = det as DenseAutoencoder;
      passes.set(kind, { det, plain: (b) => ae.scoreJs(b), tfjs: (b) => ae.scoreTf(b) });
    } else if (kind === "vae") {
      const v = det as VariationalAutoencoder;
      passes.set(kind, { det, plain: (b) => v.scoreJs(b), tfjs: (b) => v.scoreTf(b) });
    } else {
      const r = det as LstmAutoencoder | GruAutoencoder;
      passes.set(kind, { det, plain: (b) => r.scoreWith(b, "js"), tfjs: (b) => r.scoreWith(b, "tfjs") });
    }
  }

  const cell = new Map<string, [Rate, Rate]>();
  const crossings = new Map<TwoPathKind, ReturnType<typeof crossover>>();
  for (const [kind, { plain, tfjs }] of passes) {
    const ratio: number[] = [];
    for (const n of PATH_SIZES) {
      // the same n rows for both passes; calls of one window walk the rows so caches see new data
      let at = 0;
      const call = (f: Pass) => () => f(rows(test, n === 1 ? at++ % 1024 : 0, n));
      const [p, t] = await measureInterleaved(n, [call(plain), call(tfjs)], REPEAT, 100);
      cell.set(`${kind} ${n}`, [p, t]);
      ratio.push(t.median / p.median);
    }
    crossings.set(kind, crossover(PATH_SIZES, ratio));
  }
  const fmtCell = ([p, t]: [Rate, Rate]) =>
    `${si(p.median)} / ${si(t.median)} ${t.median > p.median ? `tfjs ×${(t.median / p.median).toFixed(1)}` : `plain ×${(p.median / t.median).toFixed(1)}`}`;
  const body = PATH_SIZES.map((n) => [String(n), ...kinds.map((k) => fmtCell(cell.get(`${k} ${n}`)!))]);
  const crossBody = kinds.map((k) => {
    const x = crossings.get(k);
    return [k, x ? `tfjs wins from ${x.from} on` : "none: plain wins up to 10k", x ? `≈ ${x.estimate}` : "–", String(TFJS_MIN_ROWS[k])];
  });
  const summary: string[][] = [];
  for (const kind of kinds) {
    for (const series of AGENT_SERIES) {
      const [p, t] = cell.get(`${kind} ${series}`)!;
      summary.push([kind, String(series), scoresWithTfjs(kind, series) ? "tfjs" : "plain TS", si(p.median), si(t.median)]);
    }
  }

  // the fixed cost of one tfjs round trip vs online:default's whole cost per point
  const one = test.data.subarray(0, WIDTH);
  const minimal = () => {
    const s = tf.tidy(() => tf.sum(tf.tensor1d(one)));
    const v = s.dataSync();
    s.dispose();
    return v;
  };
  const online = createOnlineModel("online:default");
  const ds = generateDataset({ nSeries: 20, nPoints: 1440, seed: 3 });
  const values = ds.series.map((x) => x.values);
  const nSeries = 1_000;
  const states = Array.from({ length: nSeries }, () => online.createState());
  const tick = new Float64Array(nSeries);
  let step = 0;
  const advance = () => {
    for (let i = 0; i < nSeries; i++) tick[i] = values[i % values.length][step % 1440];
    step++;
    return online.scoreTick(states, tick);
  };
  for (let k = 0; k < 200; k++) await advance();
  const [tfCall, onlinePoints] = await measureInterleaved(1, [minimal, () => advance()], 3, 100);
  const onlinePerPoint = onlinePoints.median * nSeries;

  console.log(
    `# Forward pass per detector: plain TypeScript vs tfjs (one core)\n\n${started}; tfjs ${info.tfjsVersion} ${info.backend} simd=${info.simd} threads=${info.threads}`,
  );
  console.log(`rows: synthetic windows, width ${WIDTH}; each cell = plain / tfjs windows/s (median of ${REPEAT} interleaved runs) and the winner.\n`);
  console.log(table(["windows per call", ...kinds], body));
  console.log("\nestimate: the tfjs/plain ratio of medians, interpolated on log size between the two sizes around the crossing\n");
  console.log(table(["detector", "crossover (measured)", "estimate", "TFJS_MIN_ROWS (product)"], crossBody));
  console.log("\nPath a bundle model takes in an agent (one window per series per tick = one call):\n");
  console.log(table(["detector", "series", "path used", "plain windows/s", "tfjs windows/s"], summary));
  console.log(
    `\none minimal tfjs call (tensor1d of ${WIDTH} → sum → dataSync): ${si(tfCall.median)} calls/s = ${(1e6 / tfCall.median).toFixed(1)} µs;` +
      ` online:default scoreTick at ${si(nSeries)} series: ${si(onlinePerPoint)} points/s = ${(1e6 / onlinePerPoint).toFixed(2)} µs per point` +
      ` (a tfjs call costs ${(onlinePerPoint / tfCall.median).toFixed(0)} points).`,
  );
  const cpu = process.cpuUsage();
  console.log(`\nprocess CPU: user ${(cpu.user / 1e6).toFixed(1)} s, sys ${(cpu.system / 1e6).toFixed(1)} s; ${conditions()}`);
  for (const { det } of passes.values()) det.dispose();
}

if (pinToOneCore()) {
  if (!process.argv.includes("--paths-only")) await main();
  await paths();
}
