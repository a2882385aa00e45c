import { tf, initTf } from "../../tfjs/backend.ts";
import { loadLayersModel, saveLayersModel } from "../../tfjs/layers-io.ts";
import { assertBatch, type BundleFile, type Detector, type FitOptions, type WindowBatch } from "../../detector.ts";
import { assertFinite } from "../shared/batch-checks.ts";
import { fitAutoencoder } from "../shared/fit-autoencoder.ts";
import { timeMajorSteps } from "../shared/recurrent-net.ts";
import { scoresWithTfjs, TFJS_MIN_ROWS } from "../shared/score-path.ts";
import { gruTfStep, gruTfTensors, prepareGruTf, readGruWeights, scoreGruJs, type GruNet, type GruTfWeights } from "./gru-net.ts";

/** Options of the GRU autoencoder. */
export interface GruAutoencoderOptions {
  /** Numbers per window row: `window` values + 1 spread feature. */
  width: number;
  /** GRU units in encoder and decoder. */
  units?: number;
  /** Rows per tfjs call on the `tfjs` and `layers` paths. */
  scoreBatch?: number;
}

/** Default GRU units. */
export const GRU_DEFAULT_UNITS = 16;

/**
 * How {@link GruAutoencoder.scoreWith} runs the network: `js` — plain TypeScript, row by row;
 * `tfjs` — the recurrence by hand on WASM, time-major, one op per gate; `layers` —
 * `model.predict` (the reference); `auto` — `js` below {@link GRU_JS_MAX_ROWS} rows, else `tfjs`.
 */
export type GruScorePath = "auto" | "js" | "tfjs" | "layers";

/** Batches smaller than this are scored in plain TypeScript (measured crossover, `../shared/score-path.ts`). */
export const GRU_JS_MAX_ROWS: number = TFJS_MIN_ROWS["gru-autoencoder"];

/** Flat rows `[z_0..z_{w-1}, spread]` as `[n, w, 2]` steps `(z_t, spread)`, flat. */
export function toSteps(data: Float32Array, n: number, window: number): Float32Array {
  const width = window + 1;
  const out = new Float32Array(n * window * 2);
  for (let r = 0; r < n; r++) {
    const spread = data[r * width + window];
    for (let t = 0; t < window; t++) {
      out[(r * window + t) * 2] = data[r * width + t];
      out[(r * window + t) * 2 + 1] = spread;
    }
  }
  return out;
}

/**
 * GRU autoencoder (sequence-to-sequence), the LSTM autoencoder's lighter sibling: GRU encoder →
 * repeated code → GRU decoder → time-distributed dense, over the window as `(value, spread)`
 * steps, trained with tfjs (MSE, Adam). Raw score = mean squared reconstruction error of the
 * sequence. Scoring bypasses `model.predict` (tfjs-layers' RNN loop slices and stacks tensors
 * every step): small batches run the cells in plain TypeScript, large ones by hand on WASM with
 * one op per gate (`gru-net.ts`); both are tested against `model.predict`.
 */
export class GruAutoencoder implements Detector {
  readonly kind = "gru-autoencoder" as const;
  readonly width: number;
  readonly window: number;
  readonly units: number;
  private readonly scoreBatch: number;
  private model: tf.LayersModel | undefined;
  private net: GruNet | undefined;
  private tfWeights: GruTfWeights | undefined;

  constructor(options: GruAutoencoderOptions) {
    if (!Number.isInteger(options.width) || options.width < 3) throw new RangeError(`gru-autoencoder: width must be an integer ≥ 3, got ${options.width}`);
    this.width = options.width;
    this.window = options.width - 1;
    this.units = options.units ?? GRU_DEFAULT_UNITS;
    if (!Number.isInteger(this.units) || this.units < 1 || this.units > 1024)
      throw new RangeError(`gru-autoencoder: units must be in 1..1024, got ${this.units}`);
    this.scoreBatch = options.scoreBatch ?? 4096;
  }

  private build(seed: number): tf.LayersModel {
    const init = (i: number) => tf.initializers.glorotUniform({ seed: seed * 101 + i });
    const rec = (i: number) => tf.initializers.orthogonal({ seed: seed * 101 + 50 + i });
    const gru = { units: this.units, activation: "tanh", recurrentActivation: "hardSigmoid" } as const;
    return tf.sequential({
      layers: [
        tf.layers.gru({ ...gru, inputShape: [this.window, 2], kernelInitializer: init(0), recurrentInitializer: rec(0) }),
        tf.layers.repeatVector({ n: this.window }),
        tf.layers.gru({ ...gru, returnSequences: true, kernelInitializer: init(1), recurrentInitializer: rec(1) }),
        tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, kernelInitializer: init(2) }) }),
      ],
    });
  }

  async fit(batch: WindowBatch, options: FitOptions = {}): Promise<void> {
    await initTf();
    assertBatch(batch, this.width, "gru-autoencoder");
    assertFinite(batch, "gru-autoencoder");
    const model = this.build(options.seed ?? 1);
    const steps = { data: toSteps(batch.data, batch.n, this.window), n: batch.n, width: this.window * 2 };
    try {
      await fitAutoencoder(model, steps, batch.n, [this.window, 2], options, 5e-3);
    } catch (error) {
      model.dispose();
      throw error;
    }
    this.setModel(model);
  }

  async scoreRaw(batch: WindowBatch): Promise<Float32Array> {
    return this.scoreWith(batch, "auto");
  }

  /** {@link scoreRaw} on a chosen path (the equivalence test and benchmarks pin one). */
  async scoreWith(batch: WindowBatch, path: GruScorePath): Promise<Float32Array> {
    assertBatch(batch, this.width, "gru-autoencoder");
    if (!this.model || !this.net) throw new Error("gru-autoencoder: not fitted");
    const out = new Float32Array(batch.n);
    if (path === "auto") path = scoresWithTfjs(this.kind, batch.n) ? "tfjs" : "js";
    if (path === "js") {
      scoreGruJs(this.net, this.window, batch.data, batch.n, out);
      return out;
    }
    if (path === "tfjs") this.tfWeights ??= prepareGruTf(this.net);
    const model = this.model;
    for (let start = 0; start < batch.n; start += this.scoreBatch) {
      const rows = Math.min(this.scoreBatch, batch.n - start);
      const chunk = batch.data.subarray(start * this.width, (start + rows) * this.width);
      const err =
        path === "tfjs"
          ? this.scoreTf(this.tfWeights!, chunk, rows)
          : tf.tidy(() => {
              const seq = tf.tensor3d(toSteps(chunk, rows, this.window), [rows, this.window, 2]);
              const rec = model.predict(seq, { batchSize: rows }) as tf.Tensor3D;
              return tf.mean(tf.squaredDifference(rec, seq), [1, 2]) as tf.Tensor1D;
            });
      out.set(err.dataSync() as Float32Array, start);
      err.dispose();
    }
    return out;
  }

  /** The recurrence by hand on WASM, time-major; each step's temporaries are freed at once. */
  private scoreTf(w: GruTfWeights, chunk: Float32Array, n: number): tf.Tensor1D {
    const win = this.window;
    return tf.tidy(() => {
      const steps = timeMajorSteps(chunk, n, win);
      let h: tf.Tensor2D | undefined;
      const advance = (next: tf.Tensor2D | undefined): void => {
        h?.dispose();
        h = next;
      };
      for (let t = 0; t < win; t++) {
        const xg = (g: number) => tf.fused.matMul({ a: steps[t], b: w.enc.kernel[g], bias: w.enc.bias[g] }) as tf.Tensor2D;
        advance(tf.tidy(() => gruTfStep(w.enc, [xg(0), xg(1), xg(2)], h)));
      }
      const code = [0, 1, 2].map((g) => tf.fused.matMul({ a: h!, b: w.dec.kernel[g], bias: w.dec.bias[g] }) as tf.Tensor2D);
      advance(undefined);
      let acc: tf.Tensor2D | undefined;
      for (let t = 0; t < win; t++) {
        const [hn, sum] = tf.tidy(() => {
          const next = gruTfStep(w.dec, code, h);
          const d = tf.squaredDifference(tf.fused.matMul({ a: next, b: w.dense, bias: w.denseBias }), steps[t]) as tf.Tensor2D;
          return [next, acc ? tf.add(acc, d) : d] as tf.Tensor2D[];
        });
        acc?.dispose();
        acc = sum;
        advance(hn);
      }
      return tf.div(tf.sum(acc!, 1), 2 * win) as tf.Tensor1D;
    });
  }

  async save(): Promise<{ params: Record<string, unknown>; files: BundleFile[] }> {
    if (!this.model) throw new Error("gru-autoencoder: not fitted");
    return { params: { width: this.width, units: this.units }, files: await saveLayersModel(this.model) };
  }

  /** Restores a saved GRU autoencoder; refuses a `model.json` that is not the network this class builds. */
  static async load(params: Record<string, unknown>, files: Map<string, Uint8Array>): Promise<GruAutoencoder> {
    await initTf();
    const ae = new GruAutoencoder({ width: Number(params.width), units: Number(params.units) });
    const model = await loadLayersModel(files);
    try {
      ae.setModel(model);
    } catch (error) {
      model.dispose();
      throw error;
    }
    return ae;
  }

  private setModel(model: tf.LayersModel | undefined): void {
    if (this.model && this.model !== model) this.model.dispose();
    this.model = model;
    this.net = undefined;
    if (this.tfWeights) tf.dispose(gruTfTensors(this.tfWeights));
    this.tfWeights = undefined;
    if (!model) return;
    const net = readGruWeights(model, this.window);
    if (!net) throw new Error(`gru-autoencoder: model.json is not a GRU autoencoder over ${this.window} steps of 2 features`);
    if (net.units !== this.units) throw new Error(`gru-autoencoder: model.json has ${net.units} units, the manifest ${this.units}`);
    this.net = net;
  }

  dispose(): void {
    this.setModel(undefined);
  }
}
