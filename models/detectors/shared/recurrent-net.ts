import { tf } from "../../tfjs/backend.ts";

/**
 * What the LSTM and GRU autoencoders share: the network (recurrent encoder → RepeatVector →
 * recurrent decoder with return sequences → TimeDistributed(Dense(2), linear), over the window
 * read as `(value, spread)` steps), read out of the tfjs layers model as plain arrays, and the
 * plain-TypeScript scoring loop around a cell (float64, one row at a time, so a batch scores
 * exactly as its rows one at a time). Each detector brings its cell (`lstm-net.ts`, `gru-net.ts`).
 */

/** tfjs-layers' hard sigmoid. */
export const hardSigmoid = (z: number): number => (z <= -2.5 ? 0 : z >= 2.5 ? 1 : 0.2 * z + 0.5);
/** tanh via one `exp` (Math.tanh is ~2× slower in JSC); relative error ~1e-16. */
export const tanh = (x: number): number => {
  const e = Math.exp(-2 * Math.abs(x));
  const t = (1 - e) / (1 + e);
  return x < 0 ? -t : t;
};

/** One recurrent layer in tfjs layout: kernel `[in, G·u]`, recurrent `[u, G·u]`, bias `[G·u]` (G gates). */
export interface RecurrentWeights {
  kernel: Float64Array;
  recurrent: Float64Array;
  bias: Float64Array;
}

/** The whole network as plain arrays. */
export interface RecurrentNet {
  units: number;
  enc: RecurrentWeights;
  dec: RecurrentWeights;
  /** Time-distributed dense `[u, 2]` and its bias. */
  dense: Float64Array;
  denseBias: Float64Array;
}

/** A layer's config as tfjs-layers reports it. */
type LayerConfig = ReturnType<tf.layers.Layer["getConfig"]>;

/**
 * Reads the weights if `model` is exactly the autoencoder described above with recurrent layers
 * of class `cell` (`"LSTM"`, `"GRU"`) — tanh / hard-sigmoid, biased, forwards, the same units in
 * both, and whatever else `cellOk` asks of each layer's config — else undefined.
 */
export function readRecurrentNet(model: tf.LayersModel, window: number, cell: string, cellOk: (c: LayerConfig) => boolean): RecurrentNet | undefined {
  const [l1, rep, l2, td] = model.layers;
  if (model.layers.length !== 4 || l1?.getClassName() !== cell || rep?.getClassName() !== "RepeatVector") return undefined;
  if (l2?.getClassName() !== cell || td?.getClassName() !== "TimeDistributed") return undefined;
  const c1 = l1.getConfig();
  const c2 = l2.getConfig();
  const inner = (td.getConfig().layer as { config?: Record<string, unknown> } | undefined)?.config ?? {};
  const units = Number(c1.units);
  const ok = (c: LayerConfig) =>
    c.activation === "tanh" && c.recurrentActivation === "hardSigmoid" && c.useBias === true && !c.goBackwards && Number(c.units) === units && cellOk(c);
  if (!ok(c1) || !ok(c2) || c1.returnSequences || !c2.returnSequences || c1.returnState || c2.returnState) return undefined;
  if (inner.activation !== "linear" || inner.useBias !== true || Number(inner.units) !== 2) return undefined;
  if (model.inputs[0].shape[1] !== window || model.inputs[0].shape[2] !== 2) return undefined;
  const arrays = (layer: tf.layers.Layer) => layer.getWeights().map((t) => Float64Array.from(t.dataSync() as Float32Array));
  const [k1, r1, b1] = arrays(l1);
  const [k2, r2, b2] = arrays(l2);
  const [dense, denseBias] = arrays(td);
  return { units, enc: { kernel: k1, recurrent: r1, bias: b1 }, dec: { kernel: k2, recurrent: r2, bias: b2 }, dense, denseBias };
}

/** A recurrent cell for {@link scoreRecurrentJs}: its state, updated in place one step at a time. */
export interface RecurrentCell {
  /** Gates per unit (LSTM 4, GRU 3): the width of `xg` is `gates · units`. */
  readonly gates: number;
  /** The hidden state (`units` long), read after every step. */
  readonly h: Float64Array;
  /** Zero state. */
  reset(): void;
  /** One step: `xg` holds the input term of every gate (x·K + b) and may be overwritten. */
  step(xg: Float64Array, recurrent: Float64Array): void;
}

/**
 * Mean squared reconstruction error of each row (`window` values + spread, read as `window`
 * steps of `(value, spread)`) through `net` with `cell`, written to `out`.
 */
export function scoreRecurrentJs(net: RecurrentNet, cell: RecurrentCell, window: number, data: Float32Array, n: number, out: Float32Array): void {
  const u = net.units;
  const g = cell.gates * u;
  const width = window + 1;
  const { enc, dec, dense, denseBias } = net;
  const h = cell.h;
  const xg = new Float64Array(g);
  const code = new Float64Array(g);
  for (let r = 0; r < n; r++) {
    const base = r * width;
    const spread = data[base + window];
    cell.reset();
    for (let t = 0; t < window; t++) {
      const v = data[base + t];
      for (let j = 0; j < g; j++) xg[j] = enc.bias[j] + v * enc.kernel[j] + spread * enc.kernel[g + j];
      cell.step(xg, enc.recurrent);
    }
    for (let j = 0; j < g; j++) {
      let s = dec.bias[j];
      for (let k = 0; k < u; k++) s += h[k] * dec.kernel[k * g + j];
      code[j] = s;
    }
    cell.reset();
    let err = 0;
    for (let t = 0; t < window; t++) {
      xg.set(code);
      cell.step(xg, dec.recurrent);
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

/** The window's steps, time-major, as `window` tensors `[n, 2]` of `(value, spread)` (the tfjs paths' input). */
export function timeMajorSteps(chunk: Float32Array, n: number, window: number): tf.Tensor2D[] {
  const width = window + 1;
  const steps: tf.Tensor2D[] = [];
  const xt = new Float32Array(n * 2);
  for (let t = 0; t < window; t++) {
    for (let r = 0; r < n; r++) {
      xt[2 * r] = chunk[r * width + t];
      xt[2 * r + 1] = chunk[r * width + window];
    }
    steps.push(tf.tensor2d(xt, [n, 2]));
  }
  return steps;
}
