import { tf } from "../../tfjs/backend.ts";
import type { FitOptions, WindowBatch } from "../../detector.ts";
import { createRng } from "../../../data/random.ts";

/**
 * Rows of `data` (`rows × rowSize`) in a seeded random order (Fisher–Yates on `createRng`), so
 * training is reproducible: tfjs's own `shuffle: true` draws from `Math.random`.
 */
export function shuffledRows(data: Float32Array, rows: number, rowSize: number, seed: number): Float32Array {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const rng = createRng(seed);
  for (let i = rows - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const out = new Float32Array(rows * rowSize);
  for (let r = 0; r < rows; r++) out.set(data.subarray(order[r] * rowSize, (order[r] + 1) * rowSize), r * rowSize);
  return out;
}

/**
 * Trains an autoencoder-shaped tfjs model to reproduce its input (MSE, Adam at
 * `options.learningRate ?? learningRate`), each epoch on a seeded shuffle of the rows
 * (`options.seed`), reporting progress per batch through `options.onProgress`.
 */
export async function fitAutoencoder(
  model: tf.LayersModel,
  batch: WindowBatch,
  rows: number,
  rowShape: number[],
  options: FitOptions,
  learningRate = 2e-3,
): Promise<void> {
  const epochs = options.epochs ?? 10;
  const batchSize = 256;
  model.compile({ optimizer: tf.train.adam(options.learningRate ?? learningRate), loss: "meanSquaredError" });
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const batchesPerEpoch = Math.ceil(rows / batchSize);
  const total = epochs * batchesPerEpoch;
  let done = 0;
  let lastLoss = Number.NaN;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const x = tf.tensor(shuffledRows(batch.data, rows, rowSize, (options.seed ?? 1) * 7919 + epoch), [rows, ...rowShape]);
    try {
      await model.fit(x, x, {
        epochs: 1,
        batchSize,
        shuffle: false,
        verbose: 0,
        callbacks: {
          onBatchEnd: async (_b, logs) => {
            done++;
            lastLoss = logs?.loss ?? lastLoss;
            if (done % 20 === 0 || done === total) {
              options.onProgress?.(done / total, `loss ${lastLoss.toFixed(4)}`);
            }
          },
        },
      });
    } finally {
      x.dispose();
    }
  }
}
