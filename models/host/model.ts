/**
 * The trained host model: robust normalisation + a dense autoencoder over the whole host vector,
 * scored in plain TypeScript (one vector per round: a tight loop beats a tfjs call), with the
 * share of each metric in the reconstruction error.
 */
import { CALIBRATED_THRESHOLD } from "../calibration.ts";
import { type DenseLayer, denseForwardInto } from "../detectors/autoencoder/dense-forward.ts";
import { type FeatureStats, normalizeInto } from "./normalize.ts";

/** A metric's part in a host score: `share` of the squared reconstruction error (0..1). */
export interface HostContributor {
  name: string;
  share: number;
}

/** What {@link HostModel.score} returns. */
export interface HostScore {
  /** Calibrated score in [0, 1): 0.5 at the flag threshold. */
  score: number;
  /** Mean squared reconstruction error over the metrics present (normalised units). */
  raw: number;
  /** The metrics with the largest share of the error, largest first (missing metrics never). */
  contributors: HostContributor[];
  /** Metrics of the model present in the vector. */
  present: number;
}

/** Everything a host model is made of (what the file stores, see `format.ts`). */
export interface HostModelParts {
  names: string[];
  stats: FeatureStats;
  layers: DenseLayer[];
  /** Raw-score threshold: the calibrated score is `raw / (raw + tau)`. */
  tau: number;
  /** Rows it was trained on, and held out for calibration. */
  trainRows: number;
  holdoutRows: number;
  /** When it was trained (ms since the epoch). */
  trainedAt: number;
}

/**
 * A trained host model (see {@link trainHostModel} in `train.ts`; `fromJSON` in `format.ts`).
 * `score` is synchronous and allocation-light: it can run on the scoring path every round.
 */
export class HostModel {
  readonly threshold = CALIBRATED_THRESHOLD;
  readonly names: readonly string[];
  private readonly z: Float32Array;
  private readonly present: Uint8Array;
  private a: Float64Array;
  private b: Float64Array;
  private readonly err: Float64Array;

  constructor(readonly parts: HostModelParts) {
    const d = parts.names.length;
    this.names = parts.names;
    this.z = new Float32Array(d);
    this.present = new Uint8Array(d);
    let max = d;
    for (const l of parts.layers) max = Math.max(max, l.units);
    this.a = new Float64Array(max);
    this.b = new Float64Array(max);
    this.err = new Float64Array(d);
  }

  /** Metrics in the vector. */
  get width(): number {
    return this.names.length;
  }

  /**
   * Scores one aligned vector (`vec[j]` is metric `names[j]`, NaN = missing: imputed by its
   * training median, left out of the error and the contributors). `topK` contributors.
   */
  score(vec: ArrayLike<number>, topK = 5): HostScore {
    const d = this.names.length;
    if (vec.length !== d) throw new RangeError(`host model: vector of ${vec.length} values, the model has ${d} metrics`);
    normalizeInto(this.parts.stats, vec, this.z, this.present);
    const rec = this.forward(this.z);
    let sum = 0;
    let present = 0;
    for (let j = 0; j < d; j++) {
      if (!this.present[j]) {
        this.err[j] = 0;
        continue;
      }
      const e = rec[j] - this.z[j];
      this.err[j] = e * e;
      sum += e * e;
      present++;
    }
    const raw = present ? sum / present : 0;
    const tau = this.parts.tau;
    return { score: raw > 0 ? raw / (raw + tau) : 0, raw, contributors: sum > 0 ? this.top(sum, topK) : [], present };
  }

  /** Reconstruction of the normalised vector `z` through the layers (ReLU on all but the last). */
  private forward(z: Float32Array): Float64Array {
    const a = this.a;
    for (let i = 0; i < z.length; i++) a[i] = z[i];
    return denseForwardInto(this.parts.layers, a, this.b);
  }

  private top(sum: number, k: number): HostContributor[] {
    const out: HostContributor[] = [];
    if (k <= 0) return out;
    // partial selection: k is small
    for (let j = 0; j < this.err.length; j++) {
      const e = this.err[j];
      if (e <= 0) continue;
      if (out.length === k && e <= out[k - 1].share) continue;
      let p = Math.min(out.length, k - 1);
      if (out.length < k) out.push({ name: "", share: 0 });
      while (p > 0 && out[p - 1].share < e) {
        out[p] = out[p - 1];
        p--;
      }
      out[p] = { name: this.names[j], share: e };
    }
    for (const c of out) c.share /= sum;
    return out;
  }
}
