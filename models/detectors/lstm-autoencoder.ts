import { tf, initTf } from "../tfjs/backend.ts";
import { loadLayersModel, saveLayersModel } from "../tfjs/layers-io.ts";
import { assertBatch, type BundleFile, type Detector, type FitOptions, type WindowBatch } from "../detector.ts";
import { fitAutoencoder } from "./fit-autoencoder.ts";

/** Options of the LSTM autoencoder. */
export interface LstmAutoencoderOptions {
  /** Numbers per window row: `window` values + 1 spread feature. */
  width: number;
  /** LSTM units in encoder and decoder. */
  units?: number;
  /** Rows per tfjs call when scoring. */
  scoreBatch?: number;
}

/** Turns flat rows `[z_0..z_{w-1}, spread]` into a `[n, w, 2]` sequence tensor (spread repeated). */
function toSequence(x: tf.Tensor2D, window: number): tf.Tensor3D {
  const n = x.shape[0];
  const values = x.slice([0, 0], [n, window]);
  const spread = x.slice([0, window], [n, 1]).tile([1, window]);
  return tf.stack([values, spread], 2) as tf.Tensor3D;
}

/**
 * LSTM autoencoder (sequence-to-sequence): LSTM encoder → repeated code → LSTM decoder →
 * time-distributed dense, over the window as a sequence of (value, spread) steps.
 * Raw score = mean squared reconstruction error of the sequence.
 */
export class LstmAutoencoder implements Detector {
  readonly kind = "lstm-autoencoder" as const;
  readonly width: number;
  readonly window: number;
  readonly units: number;
  private model: tf.LayersModel | undefined;
  private readonly scoreBatch: number;

  constructor(options: LstmAutoencoderOptions) {
    this.width = options.width;
    this.window = options.width - 1;
    this.units = options.units ?? 16;
    this.scoreBatch = options.scoreBatch ?? 4096;
  }

  private build(seed: number): tf.LayersModel {
    const init = (i: number) => tf.initializers.glorotUniform({ seed: seed * 101 + i });
    return tf.sequential({
      layers: [
        tf.layers.lstm({ units: this.units, inputShape: [this.window, 2], kernelInitializer: init(0) }),
        tf.layers.repeatVector({ n: this.window }),
        tf.layers.lstm({ units: this.units, returnSequences: true, kernelInitializer: init(1) }),
        tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, kernelInitializer: init(2) }) }),
      ],
    });
  }

  async fit(batch: WindowBatch, options: FitOptions = {}): Promise<void> {
    await initTf();
    assertBatch(batch, this.width, "lstm-autoencoder");
    this.model?.dispose();
    this.model = this.build(options.seed ?? 1);
    const seq = tf.tidy(() => toSequence(tf.tensor2d(batch.data, [batch.n, this.width]), this.window));
    const data = (await seq.data()) as Float32Array;
    seq.dispose();
    await fitAutoencoder(this.model, { data, n: batch.n, width: this.window * 2 }, batch.n, [this.window, 2], options, 5e-3);
  }

  async scoreRaw(batch: WindowBatch): Promise<Float32Array> {
    assertBatch(batch, this.width, "lstm-autoencoder");
    const model = this.model;
    if (!model) throw new Error("lstm-autoencoder: not fitted");
    const out = new Float32Array(batch.n);
    for (let start = 0; start < batch.n; start += this.scoreBatch) {
      const rows = Math.min(this.scoreBatch, batch.n - start);
      const chunk = batch.data.subarray(start * this.width, (start + rows) * this.width);
      const err = tf.tidy(() => {
        const seq = toSequence(tf.tensor2d(chunk, [rows, this.width]), this.window);
        const rec = model.predict(seq, { batchSize: rows }) as tf.Tensor3D;
        return tf.mean(tf.squaredDifference(rec, seq), [1, 2]);
      });
      out.set(err.dataSync() as Float32Array, start);
      err.dispose();
    }
    return out;
  }

  async save(): Promise<{ params: Record<string, unknown>; files: BundleFile[] }> {
    if (!this.model) throw new Error("lstm-autoencoder: not fitted");
    return { params: { width: this.width, units: this.units }, files: await saveLayersModel(this.model) };
  }

  /** Restores a saved LSTM autoencoder. */
  static async load(params: Record<string, unknown>, files: Map<string, Uint8Array>): Promise<LstmAutoencoder> {
    await initTf();
    const ae = new LstmAutoencoder({ width: Number(params.width), units: Number(params.units) });
    ae.model = await loadLayersModel(files);
    const shape = ae.model.inputs[0].shape;
    if (shape[1] !== ae.window) throw new Error(`model.json window ${shape[1]} does not match manifest window ${ae.window}`);
    return ae;
  }

  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
  }
}
