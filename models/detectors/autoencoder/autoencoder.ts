import { tf, initTf } from "../../tfjs/backend.ts";
import { loadLayersModel, saveLayersModel } from "../../tfjs/layers-io.ts";
import { assertBatch, type BundleFile, type Detector, type FitOptions, type WindowBatch } from "../../detector.ts";
import { fitAutoencoder } from "../shared/fit-autoencoder.ts";
import { scoresWithTfjs } from "../shared/score-path.ts";
import { denseReconstructionError, type DenseLayer } from "./dense-forward.ts";

/** Options of the dense autoencoder. */
export interface AutoencoderOptions {
  /** Numbers per window row. */
  width: number;
  /** Hidden layer sizes of the encoder; the decoder mirrors them. */
  hidden?: number[];
  /** Rows per tfjs call when scoring. */
  scoreBatch?: number;
}

/**
 * Dense autoencoder on WASM SIMD: width → 16 → 6 → 16 → width (ReLU, linear output), trained
 * with MSE on normal windows. Raw score = mean squared reconstruction error of the row.
 * Scoring runs fused matMul+bias+ReLU kernels straight on the layer weights, in chunks.
 */
export class DenseAutoencoder implements Detector {
  readonly kind = "autoencoder" as const;
  readonly width: number;
  readonly hidden: number[];
  private model: tf.LayersModel | undefined;
  private weights: tf.Tensor[] = [];
  private plain: DenseLayer[] = [];
  private readonly scoreBatch: number;

  constructor(options: AutoencoderOptions) {
    this.width = options.width;
    this.hidden = options.hidden ?? [16, 6];
    this.scoreBatch = options.scoreBatch ?? 8192;
  }

  /** Builds the (untrained) tfjs network. */
  build(seed = 1): tf.LayersModel {
    const sizes = [...this.hidden, ...this.hidden.slice(0, -1).reverse()];
    const init = (i: number) => tf.initializers.glorotUniform({ seed: seed * 101 + i });
    const layers: tf.layers.Layer[] = sizes.map((units, i) =>
      tf.layers.dense({ units, activation: "relu", kernelInitializer: init(i), ...(i === 0 ? { inputShape: [this.width] } : {}) }),
    );
    layers.push(tf.layers.dense({ units: this.width, kernelInitializer: init(sizes.length) }));
    return tf.sequential({ layers });
  }

  async fit(batch: WindowBatch, options: FitOptions = {}): Promise<void> {
    await initTf();
    assertBatch(batch, this.width, "autoencoder");
    this.setModel(this.build(options.seed ?? 1));
    await fitAutoencoder(this.model!, batch, batch.n, [this.width], options);
    this.setModel(this.model!);
  }

  async scoreRaw(batch: WindowBatch): Promise<Float32Array> {
    return scoresWithTfjs(this.kind, batch.n) ? this.scoreTf(batch) : this.scoreJs(batch);
  }

  /** Scores in plain TypeScript whatever the batch size (the path for small batches, see `../shared/score-path.ts`). */
  scoreJs(batch: WindowBatch): Float32Array {
    assertBatch(batch, this.width, "autoencoder");
    if (!this.model) throw new Error("autoencoder: not fitted");
    return denseReconstructionError(this.plain, batch.data, batch.n, this.width);
  }

  /** Scores with tfjs fused kernels whatever the batch size (the path for large batches). */
  scoreTf(batch: WindowBatch): Float32Array {
    assertBatch(batch, this.width, "autoencoder");
    if (!this.model) throw new Error("autoencoder: not fitted");
    const out = new Float32Array(batch.n);
    for (let start = 0; start < batch.n; start += this.scoreBatch) {
      const rows = Math.min(this.scoreBatch, batch.n - start);
      const chunk = batch.data.subarray(start * this.width, (start + rows) * this.width);
      const err = tf.tidy(() => {
        const x = tf.tensor2d(chunk, [rows, this.width]);
        let h: tf.Tensor2D = x;
        const last = this.weights.length / 2 - 1;
        for (let l = 0; l <= last; l++) {
          h = tf.fused.matMul({
            a: h,
            b: this.weights[2 * l] as tf.Tensor2D,
            bias: this.weights[2 * l + 1],
            activation: l === last ? "linear" : "relu",
          }) as tf.Tensor2D;
        }
        return tf.mean(tf.squaredDifference(h, x), 1);
      });
      out.set(err.dataSync() as Float32Array, start);
      err.dispose();
    }
    return out;
  }

  /** The underlying tfjs model (for benchmarks against bare tfjs). */
  get layersModel(): tf.LayersModel | undefined {
    return this.model;
  }

  async save(): Promise<{ params: Record<string, unknown>; files: BundleFile[] }> {
    if (!this.model) throw new Error("autoencoder: not fitted");
    return { params: { width: this.width, hidden: this.hidden }, files: await saveLayersModel(this.model) };
  }

  /** Restores a saved autoencoder. */
  static async load(params: Record<string, unknown>, files: Map<string, Uint8Array>): Promise<DenseAutoencoder> {
    await initTf();
    const ae = new DenseAutoencoder({ width: Number(params.width), hidden: params.hidden as number[] });
    const model = await loadLayersModel(files);
    const inShape = model.inputs[0].shape;
    if (inShape[1] !== ae.width) throw new Error(`model.json input width ${inShape[1]} does not match manifest width ${ae.width}`);
    ae.setModel(model);
    return ae;
  }

  private setModel(model: tf.LayersModel): void {
    this.weights = model.getWeights();
    this.plain = [];
    for (let l = 0; l < this.weights.length / 2; l++) {
      const [inputs, units] = this.weights[2 * l].shape;
      this.plain.push({
        kernel: this.weights[2 * l].dataSync() as Float32Array,
        bias: this.weights[2 * l + 1].dataSync() as Float32Array,
        inputs,
        units,
      });
    }
    this.model = model;
  }

  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
    this.weights = [];
  }
}
