import { z } from "zod";
import { tf, initTf } from "../../tfjs/backend.ts";
import { assertBatch, type BundleFile, type Detector, type FitOptions, type WindowBatch } from "../../detector.ts";
import { assertFinite } from "../shared/batch-checks.ts";
import { fileBytes, LEReader, packLE, type LoadFiles } from "../shared/binary.ts";
import { shuffledRows } from "../shared/fit-autoencoder.ts";
import { scoresWithTfjs, TFJS_MIN_ROWS } from "../shared/score-path.ts";
import { scoreVaeJs, VAE_TENSORS, vaeTensorShapes, type VaeShape, type VaeWeights } from "./vae-net.ts";
import { createRng, mixSeed } from "../../../data/random.ts";

/** Options of the variational autoencoder. */
export interface VaeOptions {
  /** Numbers per window row. */
  width: number;
  /** Units of the encoder's and the decoder's hidden layer. */
  hidden?: number;
  /** Dimensions of the latent code. */
  latent?: number;
  /** Weight β of the KL term in the training loss (β-VAE; 1 = the plain ELBO with unit-variance … see README). */
  beta?: number;
  /** Weight of the KL term added to the raw score (0: reconstruction error only). */
  scoreKl?: number;
}

/** Defaults of the optional {@link VaeOptions}. */
export const VAE_DEFAULTS = { hidden: 32, latent: 8, beta: 1, scoreKl: 0 } as const;

/** Batches of at least this many rows are scored with tfjs (measured crossover, `../shared/score-path.ts`). */
export const VAE_TF_MIN_ROWS: number = TFJS_MIN_ROWS.vae;

/** Name of the weights file inside the bundle. */
export const VAE_FILE = "vae.bin";

const size = z.number().int().min(1).max(4096);
const paramsSchema = z.strictObject({
  width: size,
  hidden: size,
  latent: size,
  beta: z.number().min(0).max(1000),
  scoreKl: z.number().min(0).max(1000),
});

/** The JSON params {@link VariationalAutoencoder.save} writes. */
export type VaeParams = z.infer<typeof paramsSchema>;

/**
 * Variational autoencoder on windows (Kingma & Welling 2014), trained with tfjs: encoder
 * (dense, ReLU) → mean μ and log-variance → reparameterised sample z = μ + σ·ε → decoder (dense,
 * ReLU) → reconstruction; loss = mean squared reconstruction error + β·KL(q(z|x) ‖ N(0, I)) / width,
 * Adam, seeded init, shuffle and ε. Raw score = mean squared error of the reconstruction decoded
 * from μ (deterministic), plus `scoreKl` × the window's KL / width.
 * @example
 * const det = new VariationalAutoencoder({ width: 33 });
 * await det.fit(train, { seed: 1, epochs: 10 });
 * const raw = await det.scoreRaw(batch);
 */
export class VariationalAutoencoder implements Detector {
  readonly kind = "vae" as const;
  readonly width: number;
  readonly hidden: number;
  readonly latent: number;
  readonly beta: number;
  readonly scoreKl: number;
  private weights: VaeWeights | undefined;
  private tensors: Record<string, tf.Tensor> | undefined;

  constructor(options: VaeOptions) {
    const p = paramsSchema.parse({ ...VAE_DEFAULTS, ...options });
    this.width = p.width;
    this.hidden = p.hidden;
    this.latent = p.latent;
    this.beta = p.beta;
    this.scoreKl = p.scoreKl;
  }

  private get shape(): VaeShape {
    return { width: this.width, hidden: this.hidden, latent: this.latent };
  }

  async fit(batch: WindowBatch, options: FitOptions = {}): Promise<void> {
    await initTf();
    assertBatch(batch, this.width, "vae");
    assertFinite(batch, "vae");
    const seed = options.seed ?? 1;
    const epochs = options.epochs ?? 10;
    const rng = createRng(mixSeed(seed, 0x5ae));
    const shapes = vaeTensorShapes(this.shape);
    const vars: Record<string, tf.Variable> = {};
    for (const name of VAE_TENSORS) {
      const [rows, cols] = shapes[name];
      if (name.startsWith("b")) vars[name] = tf.variable(tf.zeros([cols]));
      else {
        const limit = Math.sqrt(6 / (rows + cols)) * (name === "wLv" ? 0.1 : 1); // glorot uniform; small log-variance at start
        vars[name] = tf.variable(
          tf.tensor2d(
            Float32Array.from({ length: rows * cols }, () => rng.uniform(-limit, limit)),
            [rows, cols],
          ),
        );
      }
    }
    const optimizer = tf.train.adam(options.learningRate ?? 2e-3);
    const batchSize = 256;
    const perEpoch = Math.ceil(batch.n / batchSize);
    const total = epochs * perEpoch;
    const { width, latent, beta } = this;
    let done = 0;
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const data = shuffledRows(batch.data, batch.n, width, mixSeed(seed, epoch));
        for (let start = 0; start < batch.n; start += batchSize) {
          const rows = Math.min(batchSize, batch.n - start);
          const epsSeed = rng.int(0, 2 ** 31 - 1);
          const loss: tf.Scalar = tf.tidy(() => {
            const x = tf.tensor2d(data.subarray(start * width, (start + rows) * width), [rows, width]);
            const eps = tf.randomNormal([rows, latent], 0, 1, "float32", epsSeed);
            return optimizer.minimize(() => {
              const h = tf.relu(tf.add(tf.matMul(x, vars.w1), vars.b1));
              const mu = tf.add(tf.matMul(h, vars.wMu), vars.bMu);
              const lv = tf.add(tf.matMul(h, vars.wLv), vars.bLv);
              const zs = tf.add(mu, tf.mul(tf.exp(tf.mul(lv, 0.5)), eps));
              const h2 = tf.relu(tf.add(tf.matMul(zs, vars.w3), vars.b3));
              const y = tf.add(tf.matMul(h2, vars.w4), vars.b4);
              const recon = tf.mean(tf.squaredDifference(y, x));
              const kl = tf.mul(tf.mean(tf.sum(tf.sub(tf.add(tf.exp(lv), tf.square(mu)), tf.add(lv, 1)), 1)), (0.5 * beta) / width);
              return tf.add(recon, kl) as tf.Scalar;
            }, true)!;
          });
          done++;
          if (done % 20 === 0 || done === total) {
            const value = (await loss.data())[0];
            if (!Number.isFinite(value)) throw new Error(`vae: training diverged (loss ${value}); lower the learning rate`);
            options.onProgress?.(done / total, `loss ${value.toFixed(4)}`);
          }
          loss.dispose();
        }
      }
      const weights = {} as VaeWeights;
      for (const name of VAE_TENSORS) weights[name] = (await vars[name].data()) as Float32Array;
      this.install(weights);
    } finally {
      tf.dispose(Object.values(vars));
      optimizer.dispose();
    }
  }

  async scoreRaw(batch: WindowBatch): Promise<Float32Array> {
    assertBatch(batch, this.width, "vae");
    if (!this.weights) throw new Error("vae: not fitted");
    if (!scoresWithTfjs(this.kind, batch.n)) return this.scoreJs(batch);
    return this.scoreTf(batch);
  }

  /** The plain-TypeScript pass (any batch size; the path below {@link VAE_TF_MIN_ROWS} rows). */
  scoreJs(batch: WindowBatch): Float32Array {
    assertBatch(batch, this.width, "vae");
    if (!this.weights) throw new Error("vae: not fitted");
    const out = new Float32Array(batch.n);
    scoreVaeJs(this.weights, this.shape, this.scoreKl, batch.data, batch.n, out);
    return out;
  }

  /** The tfjs pass (fused matMul + bias + ReLU on WASM), in chunks of 8192 rows. */
  scoreTf(batch: WindowBatch): Float32Array {
    assertBatch(batch, this.width, "vae");
    if (!this.weights) throw new Error("vae: not fitted");
    const t = (this.tensors ??= Object.fromEntries(
      VAE_TENSORS.map((name) => {
        const [rows, cols] = vaeTensorShapes(this.shape)[name];
        return [name, name.startsWith("b") ? tf.tensor1d(this.weights![name]) : tf.tensor2d(this.weights![name], [rows, cols])];
      }),
    ));
    const out = new Float32Array(batch.n);
    const chunkRows = 8192;
    for (let start = 0; start < batch.n; start += chunkRows) {
      const rows = Math.min(chunkRows, batch.n - start);
      const chunk = batch.data.subarray(start * this.width, (start + rows) * this.width);
      const score = tf.tidy(() => {
        const x = tf.tensor2d(chunk, [rows, this.width]);
        const mm = (a: tf.Tensor2D, w: string, b: string, relu: boolean) =>
          tf.fused.matMul({ a, b: t[w] as tf.Tensor2D, bias: t[b], activation: relu ? "relu" : "linear" }) as tf.Tensor2D;
        const h = mm(x, "w1", "b1", true);
        const mu = mm(h, "wMu", "bMu", false);
        const y = mm(mm(mu, "w3", "b3", true), "w4", "b4", false);
        let s: tf.Tensor1D = tf.mean(tf.squaredDifference(y, x), 1);
        if (this.scoreKl > 0) {
          const lv = mm(h, "wLv", "bLv", false);
          const kl = tf.sum(tf.sub(tf.add(tf.exp(lv), tf.square(mu)), tf.add(lv, 1)), 1);
          s = tf.add(s, tf.mul(kl, (0.5 * this.scoreKl) / this.width));
        }
        return s;
      });
      out.set(score.dataSync() as Float32Array, start);
      score.dispose();
    }
    return out;
  }

  /** Params JSON plus `vae.bin`: the weight arrays in {@link VAE_TENSORS} order, Float32 little-endian. */
  async save(): Promise<{ params: VaeParams; files: BundleFile[] }> {
    if (!this.weights) throw new Error("vae: not fitted");
    const params: VaeParams = { width: this.width, hidden: this.hidden, latent: this.latent, beta: this.beta, scoreKl: this.scoreKl };
    return { params, files: [{ path: VAE_FILE, data: packLE(VAE_TENSORS.map((n) => this.weights![n])) }] };
  }

  /** Restores a saved VAE; refuses unknown params and a missing, short, long or non-finite `vae.bin`. */
  static async load(params: Record<string, unknown>, files: LoadFiles): Promise<VariationalAutoencoder> {
    await initTf();
    const det = new VariationalAutoencoder(paramsSchema.parse(params));
    const bytes = fileBytes(files, VAE_FILE);
    if (!bytes) throw new Error(`vae: bundle lacks ${VAE_FILE}`);
    const shapes = vaeTensorShapes(det.shape);
    const expected = 4 * VAE_TENSORS.reduce((sum, n) => sum + shapes[n][0] * shapes[n][1], 0);
    if (bytes.byteLength !== expected) throw new Error(`vae: ${VAE_FILE} has ${bytes.byteLength} bytes, expected ${expected}`);
    const reader = new LEReader(bytes);
    const weights = {} as VaeWeights;
    for (const name of VAE_TENSORS) {
      weights[name] = reader.float32(shapes[name][0] * shapes[name][1]);
      if (weights[name].some((v) => !Number.isFinite(v))) throw new Error(`vae: corrupt ${VAE_FILE}: ${name} holds a non-finite weight`);
    }
    det.install(weights);
    return det;
  }

  private install(weights: VaeWeights | undefined): void {
    if (this.tensors) tf.dispose(Object.values(this.tensors));
    this.tensors = undefined;
    this.weights = weights;
  }

  dispose(): void {
    this.install(undefined);
  }
}
