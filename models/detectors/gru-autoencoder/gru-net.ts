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
 * The trained GRU autoencoder's weights pulled out of its tfjs layers model, and a plain
 * TypeScript forward pass over them (float64, one row at a time) that reproduces tfjs-layers'
 * GRU cell (`reset_after = false`, gates z, r, h; hard-sigmoid recurrent activation, tanh):
 *
 *   z = σ(x·Kz + b_z + h·Rz)   r = σ(x·Kr + b_r + h·Rr)
 *   h̃ = tanh(x·Kh + b_h + (r ⊙ h)·Rh)   h' = z ⊙ h + (1 − z) ⊙ h̃
 */

/** One GRU layer in tfjs layout: kernel `[in, 3u]`, recurrent `[u, 3u]`, bias `[3u]`. */
export type GruWeights = RecurrentWeights;

/** The whole network as plain arrays. */
export type GruNet = RecurrentNet;

/**
 * Reads the weights if `model` is exactly the network {@link GruAutoencoder} builds (GRU →
 * RepeatVector → GRU(return sequences) → TimeDistributed(Dense(2), linear)), else undefined.
 */
export function readGruWeights(model: tf.LayersModel, window: number): GruNet | undefined {
  return readRecurrentNet(model, window, "GRU", (c) => !c.resetAfter && !c.dropout && !c.recurrentDropout);
}

/** The tfjs-layers GRU cell (`reset_after = false`; gates z, r, h) in plain TypeScript, float64. */
function gruCell(u: number): RecurrentCell {
  const g3 = 3 * u;
  const h = new Float64Array(u);
  const rh = new Float64Array(u);
  const hg = new Float64Array(g3);
  return {
    gates: 3,
    h,
    reset: () => h.fill(0),
    step: (xg, rec) => {
      hg.fill(0, 0, 2 * u);
      for (let k = 0; k < u; k++) {
        const hk = h[k];
        if (hk === 0) continue;
        for (let j = 0, o = k * g3; j < 2 * u; j++) hg[j] += hk * rec[o + j];
      }
      for (let j = 0; j < u; j++) rh[j] = hardSigmoid(xg[u + j] + hg[u + j]) * h[j];
      for (let j = 0; j < u; j++) {
        let s = xg[2 * u + j];
        for (let k = 0; k < u; k++) s += rh[k] * rec[k * g3 + 2 * u + j];
        hg[2 * u + j] = s;
      }
      for (let j = 0; j < u; j++) {
        const z = hardSigmoid(xg[j] + hg[j]);
        h[j] = z * h[j] + (1 - z) * tanh(hg[2 * u + j]);
      }
    },
  };
}

/**
 * Mean squared reconstruction error of each row (`window` values + spread, read as `window`
 * steps of `(value, spread)`), written to `out`. Each row is computed alone, so a batch scores
 * exactly as its rows one at a time.
 */
export function scoreGruJs(w: GruNet, window: number, data: Float32Array, n: number, out: Float32Array): void {
  scoreRecurrentJs(w, gruCell(w.units), window, data, n, out);
}

/** Per-gate tensors (z, r, h) of one GRU layer for the tfjs path; z and r pre-scaled (see {@link prepareGruTf}). */
export interface GruGateTensors {
  kernel: tf.Tensor2D[];
  recurrent: tf.Tensor2D[];
  bias: tf.Tensor1D[];
}

/** The network as tensors for the tfjs path. */
export interface GruTfWeights {
  enc: GruGateTensors;
  dec: GruGateTensors;
  dense: tf.Tensor2D;
  denseBias: tf.Tensor1D;
}

/**
 * Per-gate tensors for the tfjs path, with the hard sigmoid folded into the z and r gates
 * (weights × 0.2, bias × 0.2 + 0.5: the gate becomes `clip(·, 0, 1)`, one cheap WASM op).
 */
export function prepareGruTf(w: GruNet): GruTfWeights {
  const u = w.units;
  const gates = (l: GruWeights): GruGateTensors => {
    const out: GruGateTensors = { kernel: [], recurrent: [], bias: [] };
    for (let g = 0; g < 3; g++) {
      const scale = g === 2 ? 1 : 0.2;
      const cols = (m: Float64Array) => {
        const rows = m.length / (3 * u);
        const a = new Float32Array(rows * u);
        for (let r = 0; r < rows; r++) for (let j = 0; j < u; j++) a[r * u + j] = m[r * 3 * u + g * u + j] * scale;
        return tf.tensor2d(a, [rows, u]);
      };
      out.kernel.push(cols(l.kernel));
      out.recurrent.push(cols(l.recurrent));
      out.bias.push(tf.tensor1d(Array.from(l.bias.subarray(g * u, (g + 1) * u), (b) => b * scale + (g === 2 ? 0 : 0.5))));
    }
    return out;
  };
  return {
    enc: gates(w.enc),
    dec: gates(w.dec),
    dense: tf.tensor2d(Float32Array.from(w.dense), [u, 2]),
    denseBias: tf.tensor1d(Float32Array.from(w.denseBias)),
  };
}

/** Every tensor of {@link GruTfWeights} (to dispose them). */
export function gruTfTensors(w: GruTfWeights): tf.Tensor[] {
  const { enc, dec } = w;
  return [...enc.kernel, ...enc.recurrent, ...enc.bias, ...dec.kernel, ...dec.recurrent, ...dec.bias, w.dense, w.denseBias];
}

/** One GRU step on the tfjs path: `xg[g]` = input term of gate g (x·K + b, pre-scaled); `h` undefined = zero state. */
export function gruTfStep(cell: GruGateTensors, xg: tf.Tensor2D[], h: tf.Tensor2D | undefined): tf.Tensor2D {
  if (!h) {
    const z = tf.clipByValue(xg[0], 0, 1);
    const hh = tf.tanh(xg[2]);
    return tf.sub(hh, tf.mul(z, hh)); // (1 − z)·h̃ with h = 0
  }
  const z = tf.clipByValue(tf.add(tf.matMul(h, cell.recurrent[0]), xg[0]), 0, 1);
  const r = tf.clipByValue(tf.add(tf.matMul(h, cell.recurrent[1]), xg[1]), 0, 1);
  const hh = tf.tanh(tf.add(tf.matMul(tf.mul(r, h), cell.recurrent[2]), xg[2]));
  return tf.add(hh, tf.mul(z, tf.sub(h, hh)));
}
