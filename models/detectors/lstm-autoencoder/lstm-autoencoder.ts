import { tf, initTf } from "../../tfjs/backend.ts";
import { loadLayersModel, saveLayersModel } from "../../tfjs/layers-io.ts";
import { assertBatch, type BundleFile, type Detector, type FitOptions, type WindowBatch } from "../../detector.ts";
import { fitAutoencoder } from "../shared/fit-autoencoder.ts";
import { timeMajorSteps } from "../shared/recurrent-net.ts";
import { scoresWithTfjs, TFJS_MIN_ROWS } from "../shared/score-path.ts";
import { prepareTf, readWeights, scoreLstmJs, tfStep, type NetWeights, type TfWeights } from "./lstm-net.ts";

/** Options of the LSTM autoencoder. */
export interface LstmAutoencoderOptions {
  /** Numbers per window row: `window` values + 1 spread feature. */
  width: number;
  /** LSTM units in encoder and decoder. */
  units?: number;
  /** Rows per tfjs call when scoring. */
  scoreBatch?: number;
}

/**
 * How {@link LstmAutoencoder.scoreWith} runs the network: `js` — plain TypeScript, row by row
 * (fastest for small batches); `tfjs` — the recurrence by hand with fused WASM matMuls per gate
 * (fastest for large batches); `layers` — `model.predict` (the reference); `auto` — `js` below
 * {@link JS_MAX_ROWS} rows, else `tfjs` (`layers` if the network is not the shape built here).
 */
export type LstmScorePath = "auto" | "js" | "tfjs" | "layers";

/** Batches smaller than this are scored in plain TypeScript (measured crossover, `../shared/score-path.ts`). */
export const JS_MAX_ROWS: number = TFJS_MIN_ROWS["lstm-autoencoder"];

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
 *
 * Scoring does not go through `model.predict` (tfjs-layers' RNN loop slices and stacks tensors
 * every step, ~5k windows/s): small batches run the cells in plain TypeScript, large ones run
 * them by hand on WASM with one fused op per gate. Both match `model.predict` to ~1e-6.
 */
export class LstmAutoencoder implements Detector {
  readonly kind = "lstm-autoencoder" as const;
  readonly width: number;
  readonly window: number;
  readonly units: number;
  private model: tf.LayersModel | undefined;
  private readonly scoreBatch: number;
  /** Plain weights (undefined until first scored; null when the model is not the built shape). */
  private net: NetWeights | null | undefined;
  private tfWeights: TfWeights | undefined;

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
    this.setModel(this.build(options.seed ?? 1));
    const seq = tf.tidy(() => toSequence(tf.tensor2d(batch.data, [batch.n, this.width]), this.window));
    const data = (await seq.data()) as Float32Array;
    seq.dispose();
    await fitAutoencoder(this.model!, { data, n: batch.n, width: this.window * 2 }, batch.n, [this.window, 2], options, 5e-3);
    this.setModel(this.model!); // weights changed: drop any prepared copies
  }

  async scoreRaw(batch: WindowBatch): Promise<Float32Array> {
    return this.scoreWith(batch, "auto");
  }

  /** {@link scoreRaw} on a chosen path (benchmarks and the equivalence test pin one). */
  async scoreWith(batch: WindowBatch, path: LstmScorePath): Promise<Float32Array> {
    assertBatch(batch, this.width, "lstm-autoencoder");
    if (!this.model) throw new Error("lstm-autoencoder: not fitted");
    if (this.net === undefined) this.net = readWeights(this.model, this.window) ?? null;
    const net = this.net;
    if (path === "auto") path = !net ? "layers" : scoresWithTfjs(this.kind, batch.n) ? "tfjs" : "js";
    if (path !== "layers" && !net) throw new Error(`lstm-autoencoder: the "${path}" path needs the network shape this class builds`);
    const out = new Float32Array(batch.n);
    if (path === "js") {
      scoreLstmJs(net!, this.window, batch.data, batch.n, out);
      return out;
    }
    if (path === "tfjs") this.tfWeights ??= prepareTf(net!);
    for (let start = 0; start < batch.n; start += this.scoreBatch) {
      const rows = Math.min(this.scoreBatch, batch.n - start);
      const chunk = batch.data.subarray(start * this.width, (start + rows) * this.width);
      const err = path === "tfjs" ? this.scoreTf(this.tfWeights!, chunk, rows) : this.scoreLayers(chunk, rows);
      out.set(err.dataSync() as Float32Array, start);
      err.dispose();
    }
    return out;
  }

  /** The reference: tfjs-layers `model.predict` on the `[n, w, 2]` sequence. */
  private scoreLayers(chunk: Float32Array, rows: number): tf.Tensor1D {
    const model = this.model!;
    return tf.tidy(() => {
      const seq = toSequence(tf.tensor2d(chunk, [rows, this.width]), this.window);
      const rec = model.predict(seq, { batchSize: rows }) as tf.Tensor3D;
      return tf.mean(tf.squaredDifference(rec, seq), [1, 2]);
    });
  }

  /** The recurrence by hand on WASM, time-major; each step's temporaries are freed at once. */
  private scoreTf(w: TfWeights, chunk: Float32Array, n: number): tf.Tensor1D {
    const win = this.window;
    return tf.tidy(() => {
      const steps = timeMajorSteps(chunk, n, win);
      let h: tf.Tensor2D | undefined;
      let c: tf.Tensor2D | undefined;
      const advance = (next: tf.Tensor[]): void => {
        h?.dispose();
        c?.dispose();
        [h, c] = next as tf.Tensor2D[];
      };
      for (let t = 0; t < win; t++) {
        advance(
          tf.tidy(() =>
            tfStep(
              w.enc,
              w.enc.kernel.map((k, g) => tf.fused.matMul({ a: steps[t], b: k, bias: w.enc.bias[g] }) as tf.Tensor2D),
              h,
              c,
            ),
          ),
        );
      }
      const code = w.dec.kernel.map((k, g) => tf.fused.matMul({ a: h!, b: k, bias: w.dec.bias[g] }) as tf.Tensor2D);
      advance([]);
      let acc: tf.Tensor2D | undefined;
      for (let t = 0; t < win; t++) {
        const next = tf.tidy(() => {
          const [hn, cn] = tfStep(w.dec, code, h, c);
          const d = tf.squaredDifference(tf.fused.matMul({ a: hn, b: w.dense, bias: w.denseBias }), steps[t]) as tf.Tensor2D;
          return [hn, cn, acc ? tf.add(acc, d) : d];
        });
        acc?.dispose();
        acc = next.pop() as tf.Tensor2D;
        advance(next);
      }
      return tf.div(tf.sum(acc!, 1), 2 * win);
    });
  }

  async save(): Promise<{ params: Record<string, unknown>; files: BundleFile[] }> {
    if (!this.model) throw new Error("lstm-autoencoder: not fitted");
    return { params: { width: this.width, units: this.units }, files: await saveLayersModel(this.model) };
  }

  /** Restores a saved LSTM autoencoder. */
  static async load(params: Record<string, unknown>, files: Map<string, Uint8Array>): Promise<LstmAutoencoder> {
    await initTf();
    const ae = new LstmAutoencoder({ width: Number(params.width), units: Number(params.units) });
    const model = await loadLayersModel(files);
    const shape = model.inputs[0].shape;
    if (shape[1] !== ae.window) throw new Error(`model.json window ${shape[1]} does not match manifest window ${ae.window}`);
    ae.setModel(model);
    return ae;
  }

  private setModel(model: tf.LayersModel | undefined): void {
    if (this.model && this.model !== model) this.model.dispose();
    this.model = model;
    this.net = undefined;
    if (this.tfWeights) {
      const { enc, dec, dense, denseBias } = this.tfWeights;
      tf.dispose([...enc.kernel, ...enc.recurrent, ...enc.bias, ...dec.kernel, ...dec.recurrent, ...dec.bias, dense, denseBias]);
      this.tfWeights = undefined;
    }
  }

  dispose(): void {
    this.setModel(undefined);
  }
}
