/**
 * The variational autoencoder's weights as plain arrays and its deterministic scoring pass in
 * plain TypeScript (float64, one row at a time): encoder → mean μ (and log-variance) → decoder on
 * μ → reconstruction. The tfjs path (`vae.ts`) computes the same with fused WASM matMuls.
 */

/** Names of the weight arrays, in the order they are stored in `vae.bin`. */
export const VAE_TENSORS = ["w1", "b1", "wMu", "bMu", "wLv", "bLv", "w3", "b3", "w4", "b4"] as const;
export type VaeTensorName = (typeof VAE_TENSORS)[number];

/** All weights of the VAE, row-major `[inputs, units]` kernels (tfjs layout). */
export type VaeWeights = Record<VaeTensorName, Float32Array>;

/** Sizes of the network. */
export interface VaeShape {
  width: number;
  hidden: number;
  latent: number;
}

/** `[rows, cols]` of every weight array for a shape (biases are `[1, cols]`). */
export function vaeTensorShapes(s: VaeShape): Record<VaeTensorName, [number, number]> {
  return {
    w1: [s.width, s.hidden],
    b1: [1, s.hidden],
    wMu: [s.hidden, s.latent],
    bMu: [1, s.latent],
    wLv: [s.hidden, s.latent],
    bLv: [1, s.latent],
    w3: [s.latent, s.hidden],
    b3: [1, s.hidden],
    w4: [s.hidden, s.width],
    b4: [1, s.width],
  };
}

/** `y = x·W + b` (optionally ReLU) for one row, float64 accumulators. */
function dense(x: Float64Array, inputs: number, w: Float32Array, b: Float32Array, units: number, relu: boolean, y: Float64Array): void {
  for (let u = 0; u < units; u++) y[u] = b[u];
  for (let i = 0; i < inputs; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const row = i * units;
    for (let u = 0; u < units; u++) y[u] += xi * w[row + u];
  }
  if (relu) for (let u = 0; u < units; u++) if (y[u] < 0) y[u] = 0;
}

/**
 * Raw score of each row: mean squared error of the reconstruction decoded from μ, plus
 * `klWeight` × the row's KL divergence KL(q(z|x) ‖ N(0, I)) divided by `width`.
 */
export function scoreVaeJs(w: VaeWeights, s: VaeShape, klWeight: number, data: Float32Array, n: number, out: Float32Array): void {
  const { width, hidden, latent } = s;
  const x = new Float64Array(width);
  const h = new Float64Array(hidden);
  const mu = new Float64Array(latent);
  const lv = new Float64Array(latent);
  const h2 = new Float64Array(hidden);
  const y = new Float64Array(width);
  for (let r = 0; r < n; r++) {
    const off = r * width;
    for (let i = 0; i < width; i++) x[i] = data[off + i];
    dense(x, width, w.w1, w.b1, hidden, true, h);
    dense(h, hidden, w.wMu, w.bMu, latent, false, mu);
    dense(mu, latent, w.w3, w.b3, hidden, true, h2);
    dense(h2, hidden, w.w4, w.b4, width, false, y);
    let err = 0;
    for (let i = 0; i < width; i++) {
      const d = y[i] - x[i];
      err += d * d;
    }
    let score = err / width;
    if (klWeight > 0) {
      dense(h, hidden, w.wLv, w.bLv, latent, false, lv);
      let kl = 0;
      for (let j = 0; j < latent; j++) kl += Math.exp(lv[j]) + mu[j] * mu[j] - 1 - lv[j];
      score += (klWeight * 0.5 * kl) / width;
    }
    out[r] = score;
  }
}
