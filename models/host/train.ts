/**
 * Trains a {@link HostModel} on normal rows of the host vector: robust normalisation fitted on
 * the training rows, a small tfjs dense autoencoder (bottleneck) fitted on WASM SIMD in slices
 * (one batch, then a yield to the event loop: a round waiting to be scored waits at most one
 * batch), calibrated on held-out rows.
 */
import { createRng } from "../../data/random.ts";
import { calibrateThreshold } from "../calibration.ts";
import type { DenseLayer } from "../detectors/autoencoder/dense-forward.ts";
import { shuffledRows } from "../detectors/shared/fit-autoencoder.ts";
import { initTf, tf } from "../tfjs/backend.ts";
import { HostModel } from "./model.ts";
import { fitStats, normalizeRows } from "./normalize.ts";

/** Options of {@link trainHostModel}. */
export interface HostTrainOptions {
  /** Encoder layer sizes (the decoder mirrors them); default from the width, see {@link defaultHidden}. */
  hidden?: number[];
  /** Passes over the training rows (default 150). */
  epochs?: number;
  /** Rows per gradient step (default 32). */
  batchSize?: number;
  learningRate?: number;
  /** Share of rows held out for calibration: the newest ones (default 0.25). */
  holdout?: number;
  /** Quantile of held-out raw scores the threshold sits at (default 0.995), times `margin` (default 1.5). */
  quantile?: number;
  margin?: number;
  seed?: number;
  /** Called with progress 0..1 now and then. */
  onProgress?: (fraction: number) => void;
  /** Stops training (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  /** When it is trained (ms since the epoch; default now). */
  now?: number;
  /**
   * Called between slices of work (every batch) instead of yielding to the event loop with
   * `setImmediate`: a worker thread passes its pacer (core/runtime/pace.ts) here.
   */
  slice?: () => void | Promise<void>;
}

/** Fewest rows a host model trains on (training + held out). */
export const MIN_HOST_ROWS = 40;

/**
 * Encoder layers for `d` metrics: [clamp(d/2, 16, 64), clamp(d/8, 4, 16)], the bottleneck always
 * narrower than `d`. On the host trace (60 metrics), [30, 8] against the former [15, 4]: idle
 * rounds out of sample flagged 2 of 516 vs 6 of 344, the injected anomaly 72 of 72 both (12 and
 * 8 seeds).
 */
export function defaultHidden(d: number): number[] {
  const bottleneck = Math.min(Math.max(4, Math.min(16, Math.ceil(d / 8))), Math.max(1, d - 1));
  return [Math.max(16, Math.min(64, Math.ceil(d / 2))), bottleneck];
}

/** Error thrown for training input that cannot make a model. */
export class HostTrainError extends Error {
  override readonly name = "HostTrainError";
}

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

/**
 * Trains on `rows` (`n × names.length`, row-major, oldest first, NaN = missing). The newest
 * `holdout` share of rows is held out: the threshold τ is `quantile` × `margin` of their raw
 * scores (and never below the same quantile on the training rows), so the calibrated score
 * `raw / (raw + τ)` is 0.5 at the flag threshold, as for every model of the project.
 *
 * @example
 * const model = await trainHostModel(rows, n, names, { seed: 7 });
 * const { score, contributors } = model.score(vector);
 */
export async function trainHostModel(rows: Float32Array, n: number, names: readonly string[], opts: HostTrainOptions = {}): Promise<HostModel> {
  const d = names.length;
  if (d === 0) throw new HostTrainError("host model: no metrics");
  if (new Set(names).size !== d) throw new HostTrainError("host model: metric names are not unique");
  if (rows.length !== n * d) throw new HostTrainError(`host model: ${rows.length} values for ${n} rows of ${d} metrics`);
  if (n < MIN_HOST_ROWS) throw new HostTrainError(`host model: ${n} rows, at least ${MIN_HOST_ROWS} are needed`);
  await initTf();
  const tick = opts.slice ?? yieldToLoop;
  const nHold = Math.max(10, Math.round(n * (opts.holdout ?? 0.25)));
  const nTrain = n - nHold;
  const stats = fitStats(rows.subarray(0, nTrain * d), nTrain, d);
  await tick();
  const z = normalizeRows(stats, rows, n, d);
  await tick();
  const train = z.subarray(0, nTrain * d);
  const seed = opts.seed ?? 1;
  const hidden = opts.hidden ?? defaultHidden(d);
  const sizes = [...hidden, ...hidden.slice(0, -1).reverse()];
  const init = (i: number) => tf.initializers.glorotUniform({ seed: seed * 101 + i });
  const model = tf.sequential({
    layers: [
      ...sizes.map((units, i) => tf.layers.dense({ units, activation: "relu", kernelInitializer: init(i), ...(i === 0 ? { inputShape: [d] } : {}) })),
      tf.layers.dense({ units: d, kernelInitializer: init(sizes.length) }),
    ],
  });
  await tick();
  try {
    model.compile({ optimizer: tf.train.adam(opts.learningRate ?? 3e-3), loss: "meanSquaredError" });
    const epochs = opts.epochs ?? 150;
    const bs = Math.min(opts.batchSize ?? 32, nTrain);
    const rng = createRng(seed);
    for (let epoch = 0; epoch < epochs; epoch++) {
      const shuffled = shuffledRows(train, nTrain, d, rng.int(1, 2 ** 30));
      for (let start = 0; start < nTrain; start += bs) {
        opts.signal?.throwIfAborted();
        const rowsIn = Math.min(bs, nTrain - start);
        const x = tf.tensor2d(shuffled.subarray(start * d, (start + rowsIn) * d), [rowsIn, d]);
        try {
          await model.trainOnBatch(x, x);
        } finally {
          x.dispose();
        }
        await tick();
      }
      opts.onProgress?.((epoch + 1) / epochs);
    }
    const layers: DenseLayer[] = [];
    const w = model.getWeights();
    for (let l = 0; l < w.length / 2; l++) {
      const [inputs, units] = w[2 * l].shape;
      layers.push({ kernel: Float32Array.from(w[2 * l].dataSync()), bias: Float32Array.from(w[2 * l + 1].dataSync()), inputs, units });
    }
    const draft = new HostModel({ names: [...names], stats, layers, tau: 1, trainRows: nTrain, holdoutRows: nHold, trainedAt: opts.now ?? Date.now() });
    const rawOf = async (from: number, to: number) => {
      const out = new Float32Array(to - from);
      for (let i = from; i < to; i++) {
        out[i - from] = draft.score(rows.subarray(i * d, (i + 1) * d), 0).raw;
        if ((i - from) % 64 === 63) await tick();
      }
      return out;
    };
    const q = opts.quantile ?? 0.995;
    const tau = Math.max(calibrateThreshold(await rawOf(nTrain, n), q), calibrateThreshold(await rawOf(0, nTrain), q)) * (opts.margin ?? 1.5);
    return new HostModel({ ...draft.parts, tau });
  } finally {
    model.dispose();
  }
}
