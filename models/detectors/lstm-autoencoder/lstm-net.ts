import { tf } from "../../tfjs/backend.ts";

/**
 * The trained LSTM autoencoder's weights pulled out of its tfjs layers model, and the two
 * hand-written forward passes over them (fused WASM matMuls per gate for large batches, plain
 * TypeScript for small ones). `model.predict` remains the reference they are tested against.
 */

/** One trained LSTM layer in tfjs layout: kernel `[in, 4u]`, recurrent `[u, 4u]`, bias `[4u]`; gates i, f, c, o. */
export interface LstmWeights {
  kernel: Float64Array;
  recurrent: Float64Array;
  bias: Float64Array;
}

/** The whole network as plain arrays (the `js` path) — read once from the layers model. */
export interface NetWeights {
  units: number;
  enc: LstmWeights;
  dec: LstmWeights;
  /** Time-distributed dense `[u, 2]` and its bias. */
  dense: Float64Array;
  denseBias: Float64Array;
}

/** Per-gate tensors of one LSTM layer for the `tfjs` path, pre-scaled (see {@link prepareTf}). */
export interface GateTensors {
  kernel: tf.Tensor2D[];
  recurrent: tf.Tensor2D[];
  bias: tf.Tensor1D[];
}

export interface TfWeights {
  enc: GateTensors;
  dec: GateTensors;
  dense: tf.Tensor2D;
  denseBias: tf.Tensor1D;
}

export const hardSigmoid = (z: number): number => (z <= -2.5 ? 0 : z >= 2.5 ? 1 : 0.2 * z + 0.5);
/** tanh via one `exp` (Math.tanh is ~2× slower in JSC); relative error ~1e-16. */
export const tanh = (x: number): number => {
  const e = Math.exp(-2 * Math.abs(x));
  const t = (1 - e) / (1 + e);
  return x < 0 ? -t : t;
};

/**
 * Reads the weights if `model` is exactly the network {@link LstmAutoencoder} builds (tanh /
 * hard-sigmoid LSTM → RepeatVector → LSTM → TimeDistributed(Dense, linear)), else undefined.
 */
export function readWeights(model: tf.LayersModel, window: number): NetWeights | undefined {
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
export function prepareTf(w: NetWeights): TfWeights {
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
    dense: tf.tensor2d(
      Float32Array.from(w.dense, (v) => 2 * v),
      [u, 2],
    ),
    denseBias: tf.tensor1d(Float32Array.from(w.denseBias)),
  };
}

/** One LSTM step on the pre-scaled gate tensors: state (h/2, 2c) → next state. `xg[g]` = input term of gate g. */
export function tfStep(cell: GateTensors, xg: tf.Tensor2D[], h: tf.Tensor2D | undefined, c: tf.Tensor2D | undefined): [tf.Tensor2D, tf.Tensor2D] {
  const z = (g: number): tf.Tensor2D => (h ? tf.add(tf.matMul(h, cell.recurrent[g]), xg[g]) : xg[g]);
  const i = tf.clipByValue(z(0), 0, 1);
  const f = tf.clipByValue(z(1), 0, 1);
  const o = tf.clipByValue(z(3), 0, 1);
  const twoTanh = tf.sub(tf.mul(tf.sigmoid(z(2)), 4), 2); // 2·tanh(z_c)
  const cNext: tf.Tensor2D = c ? tf.add(tf.mul(f, c), tf.mul(i, twoTanh)) : tf.mul(i, twoTanh); // 2c
  const hNext: tf.Tensor2D = tf.mul(o, tf.sub(tf.sigmoid(cNext), 0.5)); // h/2 = o·(σ(2c) − ½)
  return [hNext, cNext];
}

/** Plain TypeScript, one row at a time (float64 arithmetic, same weights): rows of `window` values + spread. */
export function scoreLstmJs(w: NetWeights, window: number, data: Float32Array, n: number, out: Float32Array): void {
  const u = w.units;
  const g4 = 4 * u;
  const win = window;
  const width = window + 1;
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
