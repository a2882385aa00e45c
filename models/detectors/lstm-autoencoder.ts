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

/**
 * How {@link LstmAutoencoder.scoreWith} runs the network: `js` — plain TypeScript, row by row
 * (fastest for small batches); `tfjs` — the recurrence by hand with fused WASM matMuls per gate
 * (fastest for large batches); `layers` — `model.predict` (the reference); `auto` — `js` below
 * {@link JS_MAX_ROWS} rows, else `tfjs` (`layers` if the network is not the shape built here).
 */
export type LstmScorePath = "auto" | "js" | "tfjs" | "layers";

/** Batches smaller than this are scored in plain TypeScript (per-op tfjs overhead dominates). */
export const JS_MAX_ROWS = 256;

/** Turns flat rows `[z_0..z_{w-1}, spread]` into a `[n, w, 2]` sequence tensor (spread repeated). */
function toSequence(x: tf.Tensor2D, window: number): tf.Tensor3D {
  const n = x.shape[0];
  const values = x.slice([0, 0], [n, window]);
  const spread = x.slice([0, window], [n, 1]).tile([1, window]);
  return tf.stack([values, spread], 2) as tf.Tensor3D;
}

/** One trained LSTM layer in tfjs layout: kernel `[in, 4u]`, recurrent `[u, 4u]`, bias `[4u]`; gates i, f, c, o. */
interface LstmWeights {
  kernel: Float64Array;
  recurrent: Float64Array;
  bias: Float64Array;
}

/** The whole network as plain arrays (the `js` path) — read once from the layers model. */
interface NetWeights {
  units: number;
  enc: LstmWeights;
  dec: LstmWeights;
  /** Time-distributed dense `[u, 2]` and its bias. */
  dense: Float64Array;
  denseBias: Float64Array;
}

/** Per-gate tensors of one LSTM layer for the `tfjs` path, pre-scaled (see {@link prepareTf}). */
interface GateTensors {
  kernel: tf.Tensor2D[];
  recurrent: tf.Tensor2D[];
  bias: tf.Tensor1D[];
}

interface TfWeights {
  enc: GateTensors;
  dec: GateTensors;
  dense: tf.Tensor2D;
  denseBias: tf.Tensor1D;
}

const hardSigmoid = (z: number): number => (z <= -2.5 ? 0 : z >= 2.5 ? 1 : 0.2 * z + 0.5);
/** tanh via one `exp` (Math.tanh is ~2× slower in JSC); relative error ~1e-16. */
const tanh = (x: number): number => {
  const e = Math.exp(-2 * Math.abs(x));
  const t = (1 - e) / (1 + e);
  return x < 0 ? -t : t;
};

/**
 * Reads the weights if `model` is exactly the network {@link LstmAutoencoder} builds (tanh /
 * hard-sigmoid LSTM → RepeatVector → LSTM → TimeDistributed(Dense, linear)), else undefined.
 */
function readWeights(model: tf.LayersModel, window: number): NetWeights | undefined {
  const [l1, rep, l2, td] = model.layers;
  if (model.layers.length !== 4 || l1?.getClassName() !== "LSTM" || rep?.getClassName() !== "RepeatVector") return undefined;
  if (l2?.getClassName() !== "LSTM" || td?.getClassName() !== "TimeDistributed") return undefined;
  const c1 = l1.getConfig();
  const c2 = l2.getConfig();
  const inner = (td.getConfig().layer as { config?: Record<string, unknown> } | undefined)?.config ?? {};
  const units = Number(c1.units);
  const lstmOk = (c: typeof c1) =>
    c.activation === "tanh" && c.recurrentActivation === "hardSigmoid" && c.useBias === true && !c.goBackwards && Number(c.units) === units;
  if (!lstmOk(c1) || !lstmOk(c2) || c1.returnSequences || !c2.returnSequences || c1.returnState || c2.returnState) return undefined;
  if (inner.activation !== "linear" || inner.useBias !== true || Number(inner.units) !== 2) return undefined;
  if (model.inputs[0].shape[1] !== window || model.inputs[0].shape[2] !== 2) return undefined;
  const arrays = (layer: tf.layers.Layer) => layer.getWeights().map((t) => Float64Array.from(t.dataSync() as Float32Array));
  const [k1, r1, b1] = arrays(l1);
  const [k2, r2, b2] = arrays(l2);
  const [dense, denseBias] = arrays(td);
  return { units, enc: { kernel: k1, recurrent: r1, bias: b1 }, dec: { kernel: k2, recurrent: r2, bias: b2 }, dense, denseBias };
}

/**
 * Per-gate tensors for the `tfjs` path, with the activations folded into the weights so each
 * gate needs one cheap WASM op: i, f, o are scaled by 0.2 with +0.5 on the bias (hard sigmoid
 * becomes `clip(z, 0, 1)`); c is scaled by 2 (tanh(z) = 2σ(2z) − 1, and σ is SIMD while tanh is
 * scalar in the WASM backend). The recurrent state carried is h/2 and 2c, so weights fed by h
 * (recurrent kernels, the decoder's input kernel, the dense layer) are doubled.
 */
function prepareTf(w: NetWeights): TfWeights {
  const u = w.units;
  const gates = (l: LstmWeights, inputIsH: boolean): GateTensors => {
    const out: GateTensors = { kernel: [], recurrent: [], bias: [] };
    for (let g = 0; g < 4; g++) {
      const scale = g === 2 ? 2 : 0.2;
      const cols = (m: Float64Array, factor: number) => {
        const rows = m.length / (4 * u);
        const a = new Float32Array(rows * u);
        for (let r = 0; r < rows; r++) for (let j = 0; j < u; j++) a[r * u + j] = m[r * 4 * u + g * u + j] * factor;
        return tf.tensor2d(a, [rows, u]);
      };
      out.kernel.push(cols(l.kernel, scale * (inputIsH ? 2 : 1)));
      out.recurrent.push(cols(l.recurrent, scale * 2));
      out.bias.push(tf.tensor1d(Array.from(l.bias.subarray(g * u, (g + 1) * u), (b) => b * scale + (g === 2 ? 0 : 0.5))));
    }
    return out;
  };
  return {
    enc: gates(w.enc, false),
    dec: gates(w.dec, true),
    dense: tf.tensor2d(Float32Array.from(w.dense, (v) => 2 * v), [u, 2]),
    denseBias: tf.tensor1d(Float32Array.from(w.denseBias)),
  };
}

/** One LSTM step on the pre-scaled gate tensors: state (h/2, 2c) → next state. `xg[g]` = input term of gate g. */
function tfStep(cell: GateTensors, xg: tf.Tensor2D[], h: tf.Tensor2D | undefined, c: tf.Tensor2D | undefined): [tf.Tensor2D, tf.Tensor2D] {
  const z = (g: number): tf.Tensor2D => (h ? tf.add(tf.matMul(h, cell.recurrent[g]), xg[g]) : xg[g]);
  const i = tf.clipByValue(z(0), 0, 1);
  const f = tf.clipByValue(z(1), 0, 1);
  const o = tf.clipByValue(z(3), 0, 1);
  const twoTanh = tf.sub(tf.mul(tf.sigmoid(z(2)), 4), 2); // 2·tanh(z_c)
  const cNext: tf.Tensor2D = c ? tf.add(tf.mul(f, c), tf.mul(i, twoTanh)) : tf.mul(i, twoTanh); // 2c
  const hNext: tf.Tensor2D = tf.mul(o, tf.sub(tf.sigmoid(cNext), 0.5)); // h/2 = o·(σ(2c) − ½)
  return [hNext, cNext];
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
    if (path === "auto") path = !net ? "layers" : batch.n < JS_MAX_ROWS ? "js" : "tfjs";
    if (path !== "layers" && !net) throw new Error(`lstm-autoencoder: the "${path}" path needs the network shape this class builds`);
    const out = new Float32Array(batch.n);
    if (path === "js") {
      this.scoreJs(net!, batch.data, batch.n, out);
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
    const width = this.width;
    return tf.tidy(() => {
      const steps: tf.Tensor2D[] = [];
      const xt = new Float32Array(n * 2);
      for (let t = 0; t < win; t++) {
        for (let r = 0; r < n; r++) {
          xt[2 * r] = chunk[r * width + t];
          xt[2 * r + 1] = chunk[r * width + win];
        }
        steps.push(tf.tensor2d(xt, [n, 2]));
      }
      let h: tf.Tensor2D | undefined;
      let c: tf.Tensor2D | undefined;
      const advance = (next: tf.Tensor[]): void => {
        h?.dispose();
        c?.dispose();
        [h, c] = next as tf.Tensor2D[];
      };
      for (let t = 0; t < win; t++) {
        advance(tf.tidy(() => tfStep(w.enc, w.enc.kernel.map((k, g) => tf.fused.matMul({ a: steps[t], b: k, bias: w.enc.bias[g] }) as tf.Tensor2D), h, c)));
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

  /** Plain TypeScript, one row at a time (float64 arithmetic, same weights). */
  private scoreJs(w: NetWeights, data: Float32Array, n: number, out: Float32Array): void {
    const u = w.units;
    const g4 = 4 * u;
    const win = this.window;
    const width = this.width;
    const { enc, dec, dense, denseBias } = w;
    const h = new Float64Array(u);
    const c = new Float64Array(u);
    const z = new Float64Array(g4);
    const code = new Float64Array(g4);
    /** z += h · recurrent; then the cell update of (h, c); returns nothing, updates in place. */
    const cell = (recurrent: Float64Array): void => {
      for (let k = 0; k < u; k++) {
        const hk = h[k];
        if (hk === 0) continue;
        for (let j = 0, o = k * g4; j < g4; j++) z[j] += hk * recurrent[o + j];
      }
      for (let j = 0; j < u; j++) {
        const cj = hardSigmoid(z[u + j]) * c[j] + hardSigmoid(z[j]) * tanh(z[2 * u + j]);
        c[j] = cj;
        h[j] = hardSigmoid(z[3 * u + j]) * tanh(cj);
      }
    };
    for (let r = 0; r < n; r++) {
      const base = r * width;
      const spread = data[base + win];
      h.fill(0);
      c.fill(0);
      for (let t = 0; t < win; t++) {
        const v = data[base + t];
        for (let j = 0; j < g4; j++) z[j] = enc.bias[j] + v * enc.kernel[j] + spread * enc.kernel[g4 + j];
        cell(enc.recurrent);
      }
      for (let j = 0; j < g4; j++) {
        let s = dec.bias[j];
        for (let k = 0; k < u; k++) s += h[k] * dec.kernel[k * g4 + j];
        code[j] = s;
      }
      h.fill(0);
      c.fill(0);
      let err = 0;
      for (let t = 0; t < win; t++) {
        z.set(code);
        cell(dec.recurrent);
        let y0 = denseBias[0];
        let y1 = denseBias[1];
        for (let j = 0; j < u; j++) {
          y0 += h[j] * dense[2 * j];
          y1 += h[j] * dense[2 * j + 1];
        }
        const d0 = y0 - data[base + t];
        const d1 = y1 - spread;
        err += d0 * d0 + d1 * d1;
      }
      out[r] = err / (2 * win);
    }
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
