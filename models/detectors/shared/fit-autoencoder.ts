import { tf } from "../../tfjs/backend.ts";
import type { FitOptions, WindowBatch } from "../../detector.ts";

/**
 * Trains an autoencoder-shaped tfjs model to reproduce its input (MSE, Adam) with a seeded
 * shuffle, reporting progress per batch through `options.onProgress`.
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
  model.compile({ optimizer: tf.train.adam(learningRate), loss: "meanSquaredError" });
  const x = tf.tensor(batch.data, [rows, ...rowShape]);
  const batchesPerEpoch = Math.ceil(rows / batchSize);
  const total = epochs * batchesPerEpoch;
  let done = 0;
  let lastLoss = Number.NaN;
  try {
    await model.fit(x, x, {
      epochs,
      batchSize,
      shuffle: true,
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
