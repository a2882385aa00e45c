import { tf } from "../../tfjs/backend.ts";
import { hardSigmoid, tanh } from "../lstm-autoencoder/lstm-net.ts";

/**
 * The trained GRU autoencoder's weights pulled out of its tfjs layers model, and a plain
 * TypeScript forward pass over them (float64, one row at a time) that reproduces tfjs-layers'
 * GRU cell (`reset_after = false`, gates z, r, h; hard-sigmoid recurrent activation, tanh):
 *
 *   z = σ(x·Kz + b_z + h·Rz)   r = σ(x·Kr + b_r + h·Rr)
 *   h̃ = tanh(x·Kh + b_h + (r ⊙ h)·Rh)   h' = z ⊙ h + (1 − z) ⊙ h̃
 */

/** One GRU layer in tfjs layout: kernel `[in, 3u]`, recurrent `[u, 3u]`, bias `[3u]`. */
export interface GruWeights {
  kernel: Float64Array;
  recurrent: Float64Array;
  bias: Float64Array;
}

/** The whole network as plain arrays. */
export interface GruNet {
  units: number;
  enc: GruWeights;
  dec: GruWeights;
  /** Time-distributed dense `[u, 2]` and its bias. */
  dense: Float64Array;
  denseBias: Float64Array;
}

/**
 * Reads the weights if `model` is exactly the network {@link GruAutoencoder} builds (GRU →
 * RepeatVector → GRU(return sequences) → TimeDistributed(Dense(2), linear)), else undefined.
 */
export function readGruWeights(model: tf.LayersModel, window: number): GruNet | undefined {
  const [l1, rep, l2, td] = model.layers;
  if (model.layers.length !== 4 || l1?.getClassName() !== "GRU" || rep?.getClassName() !== "RepeatVector") return undefined;
  if (l2?.getClassName() !== "GRU" || td?.getClassName() !== "TimeDistributed") return undefined;
  const c1 = l1.getConfig();
  const c2 = l2.getConfig();
  const inner = (td.getConfig().layer as { config?: Record<string, unknown> } | undefined)?.config ?? {};
  const units = Number(c1.units);
  const gruOk = (c: typeof c1) =>
    c.activation === "tanh" &&
    c.recurrentActivation === "hardSigmoid" &&
    c.useBias === true &&
    !c.goBackwards &&
    !c.resetAfter &&
    Number(c.units) === units &&
    !c.dropout &&
    !c.recurrentDropout;
  if (!gruOk(c1) || !gruOk(c2) || c1.returnSequences || !c2.returnSequences || c1.returnState || c2.returnState) return undefined;
  if (inner.activation !== "linear" || inner.useBias !== true || Number(inner.units) !== 2) return undefined;
  if (model.inputs[0].shape[1] !== window || model.inputs[0].shape[2] !== 2) return undefined;
  const arrays = (layer: tf.layers.Layer) => layer.getWeights().map((t) => Float64Array.from(t.dataSync() as Float32Array));
  const [k1, r1, b1] = arrays(l1);
  const [k2, r2, b2] = arrays(l2);
  const [dense, denseBias] = arrays(td);
  return { units, enc: { kernel: k1, recurrent: r1, bias: b1 }, dec: { kernel: k2, recurrent: r2, bias: b2 }, dense, denseBias };
}

/**
 * Mean squared reconstruction error of each row (`window` values + spread, read as `window`
 * steps of `(value, spread)`), written to `out`. Each row is computed alone, so a batch scores
 * exactly as its rows one at a time.
 */
export function scoreGruJs(w: GruNet, window: number, data: Float32Array, n: number, out: Float32Array): void {
  const u = w.units;
  const g3 = 3 * u;
  const width = window + 1;
  const { enc, dec, dense, denseBias } = w;
  const h = new Float64Array(u);
  const rh = new Float64Array(u);
  const xg = new Float64Array(g3);
  const code = new Float64Array(g3);
  const hg = new Float64Array(g3);
  /** One step: `xg` holds the input terms (x·K + b) of the three gates; updates `h`. */
  const step = (rec: Float64Array): void => {
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
  };
  for (let r = 0; r < n; r++) {
    const base = r * width;
    const spread = data[base + window];
    h.fill(0);
    for (let t = 0; t < window; t++) {
      const v = data[base + t];
      for (let j = 0; j < g3; j++) xg[j] = enc.bias[j] + v * enc.kernel[j] + spread * enc.kernel[g3 + j];
      step(enc.recurrent);
    }
    for (let j = 0; j < g3; j++) {
      let s = dec.bias[j];
      for (let k = 0; k < u; k++) s += h[k] * dec.kernel[k * g3 + j];
      code[j] = s;
    }
    h.fill(0);
    let err = 0;
    for (let t = 0; t < window; t++) {
      xg.set(code);
      step(dec.recurrent);
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
    out[r] = err / (2 * window);
  }
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
