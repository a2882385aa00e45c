/**
 * Plain-TypeScript forward pass of a dense ReLU autoencoder, for small batches: below a few
 * dozen rows the fixed cost of a tfjs call (tensor creation, WASM dispatch per layer) dominates,
 * and a tight loop over the same weights is far cheaper. Results match the tfjs path to ~1e-6.
 */
export interface DenseLayer {
  /** Row-major kernel, `inputs × units` (tfjs layout). */
  kernel: Float32Array;
  bias: Float32Array;
  inputs: number;
  units: number;
}

/**
 * Runs `layers` (ReLU on every layer but the last) on the input held in `a`, using `a` and `b`
 * (each at least as long as the widest layer) in turn as scratch; returns the one holding the
 * output: `b` after an odd number of layers, `a` after an even one.
 */
export function denseForwardInto(layers: readonly DenseLayer[], a: Float64Array, b: Float64Array): Float64Array {
  const last = layers.length - 1;
  for (let li = 0; li <= last; li++) {
    const { kernel, bias, inputs, units } = layers[li];
    for (let u = 0; u < units; u++) b[u] = bias[u];
    for (let i = 0; i < inputs; i++) {
      const x = a[i];
      if (x === 0) continue;
      const row = i * units;
      for (let u = 0; u < units; u++) b[u] += x * kernel[row + u];
    }
    if (li !== last) for (let u = 0; u < units; u++) if (b[u] < 0) b[u] = 0;
    const t = a;
    a = b;
    b = t;
  }
  return a;
}

/**
 * Mean squared reconstruction error of each row of `data` (`n × width`) through `layers`
 * (ReLU on every layer but the last).
 */
export function denseReconstructionError(layers: readonly DenseLayer[], data: Float32Array, n: number, width: number): Float32Array {
  const out = new Float32Array(n);
  let maxUnits = width;
  for (const l of layers) maxUnits = Math.max(maxUnits, l.units);
  const a = new Float64Array(maxUnits);
  const b = new Float64Array(maxUnits);
  for (let r = 0; r < n; r++) {
    const off = r * width;
    for (let i = 0; i < width; i++) a[i] = data[off + i];
    const y = denseForwardInto(layers, a, b);
    let err = 0;
    for (let i = 0; i < width; i++) {
      const d = y[i] - data[off + i];
      err += d * d;
    }
    out[r] = err / width;
  }
  return out;
}
