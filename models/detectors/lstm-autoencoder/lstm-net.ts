import { tf } from "../../tfjs/backend.ts";
import {
  hardSigmoid,
  readRecurrentNet,
  scoreRecurrentJs,
  tanh,
  type RecurrentCell,
  type RecurrentNet,
  type RecurrentWeights,
} from "../shared/recurrent-net.ts";

/**
 * The trained LSTM autoencoder's weights pulled out of its tfjs layers model, and the two
 * hand-written forward passes over them (fused WASM matMuls per gate for large batches, plain
 * TypeScript for small ones). `model.predict` remains the reference they are tested against.
 */

/** One trained LSTM layer in tfjs layout: kernel `[in, 4u]`, recurrent `[u, 4u]`, bias `[4u]`; gates i, f, c, o. */
export type LstmWeights = RecurrentWeights;

/** The whole network as plain arrays (the `js` path) — read once from the layers model. */
export type NetWeights = RecurrentNet;

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

/**
 * Reads the weights if `model` is exactly the network {@link LstmAutoencoder} builds (tanh /
 * hard-sigmoid LSTM → RepeatVector → LSTM → TimeDistributed(Dense, linear)), else undefined.
 */
export function readWeights(model: tf.LayersModel, window: number): NetWeights | undefined {
  return readRecurrentNet(model, window, "LSTM", () => true);
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

/** The tfjs-layers LSTM cell (gates i, f, c, o) in plain TypeScript, float64. */
function lstmCell(u: number): RecurrentCell {
  const g4 = 4 * u;
  const h = new Float64Array(u);
  const c = new Float64Array(u);
  return {
    gates: 4,
    h,
    reset: () => {
      h.fill(0);
      c.fill(0);
    },
    /** z += h · recurrent; then the cell update of (h, c), in place. */
    step: (z, recurrent) => {
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
    },
  };
}

/** Plain TypeScript, one row at a time (float64 arithmetic, same weights): rows of `window` values + spread. */
export function scoreLstmJs(w: NetWeights, window: number, data: Float32Array, n: number, out: Float32Array): void {
  scoreRecurrentJs(w, lstmCell(w.units), window, data, n, out);
}
