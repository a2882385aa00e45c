import type { FeatureSpec } from "./spec.ts";
import { featureWidth } from "./spec.ts";
import { median as medianOf } from "../detectors/shared/scale.ts";

/** E|x_t - x_{t-1}| for i.i.d. N(0, σ²) noise is 2σ/√π; dividing by it turns the scale into σ. */
const ABS_DIFF_TO_SIGMA = 2 / Math.sqrt(Math.PI);

/** Largest |Δ| values left out of the window's spread estimate. */
const TRIM = 4;
/** Trimmed mean of |Δ| relative to the full mean under Gaussian noise (31 steps, 4 trimmed). */
const TRIMMED_MEAN_FACTOR = 0.8;

/** What happened to one pushed sample. */
export type PushResult = "window" | "missing" | "warmup";

/**
 * Streaming per-series feature state: feed samples in time order with {@link push}; once warmed
 * up, every finite sample yields one window row built only from data up to that sample.
 *
 * Row layout (width = window + 1): the last `window` signal values, centred on their median and
 * divided by the series' running noise scale (σ estimated from an EWMA of |Δ|, updated *after*
 * the row is built so a spike cannot hide itself), then `spread_weight · ln` of the window's
 * mean |Δ| relative to that scale (≈0 normally, very negative for a flatline, positive for a
 * variance burst). Monotonic counters are detected during warm-up and scored as per-step rates.
 */
export class SeriesFeaturizer {
  readonly width: number;
  /** "counter" once warm-up saw a monotonic counter, "gauge" otherwise, undefined while warming up. */
  mode: "gauge" | "counter" | undefined;
  private readonly w: number;
  private readonly ring: Float64Array;
  private ringPos = 0;
  private filled = 0;
  private warm: number[] = [];
  private lastRaw = Number.NaN;
  private scale = 0;
  private readonly alpha: number;
  /** The ring's values in ascending order (valid once warmed up), kept incrementally. */
  private readonly sorted: Float64Array;
  /** Index in {@link sorted} of the newest sample. */
  private newestRank = 0;
  /**
   * Optional second sorted window: the oldest `w - lag` samples (everything but the newest
   * `lag`), for consumers that need order statistics of the older part (see {@link olderStat}).
   */
  private readonly older: Float64Array | undefined;
  private readonly lag: number;

  /**
   * @param olderLag when > 0, also keep the oldest `window - olderLag` samples sorted so
   *   {@link olderStat} is O(1).
   */
  constructor(
    readonly spec: FeatureSpec,
    olderLag = 0,
  ) {
    this.w = spec.window;
    this.width = featureWidth(spec);
    this.ring = new Float64Array(this.w);
    this.sorted = new Float64Array(this.w);
    this.lag = olderLag > 0 && olderLag < this.w ? olderLag : 0;
    this.older = this.lag > 0 ? new Float64Array(this.w - this.lag) : undefined;
    this.alpha = 1 - Math.pow(0.5, 1 / spec.scale_half_life);
  }

  /**
   * The k-th smallest (0-based) raw signal value of the current window without its newest
   * sample (valid after a "window" push).
   */
  restStat(k: number): number {
    return k < this.newestRank ? this.sorted[k] : this.sorted[k + 1];
  }

  /** The k-th smallest raw signal value of the oldest `window - olderLag` samples. */
  olderStat(k: number): number {
    return (this.older as Float64Array)[k];
  }

  /** The row value (z, clipped, float32) the last row holds for raw signal value `v`. */
  zOf(v: number): number {
    const clip = this.spec.clip;
    const z = (v - this.center) / this.rowSigma;
    return Math.fround(z > clip ? clip : z < -clip ? -clip : z);
  }
  /** Median and σ the last row was built with. */
  private center = 0;
  private rowSigma = 1;

  /** Current noise scale σ of the signal (0 while warming up). */
  get sigma(): number {
    return this.scale / ABS_DIFF_TO_SIGMA;
  }

  /**
   * Push one sample. When the result is "window", `width` numbers were written to `out` at
   * `offset`. NaN samples are gaps: they produce "missing" and leave the state untouched.
   */
  push(value: number, out: Float32Array, offset: number): PushResult {
    if (!Number.isFinite(value)) return "missing";
    if (this.mode === undefined) return this.warmup(value);
    const signal = this.mode === "counter" ? value - this.lastRaw : value;
    this.lastRaw = value;
    const w = this.w;
    const prev = this.ring[this.ringPos === 0 ? w - 1 : this.ringPos - 1];
    const leaving = this.ring[this.ringPos];
    this.newestRank = replaceSorted(this.sorted, w, leaving, signal);
    this.append(signal);
    if (this.older !== undefined) {
      // the sample that just moved from the recent part into the older part
      let j = this.ringPos + w - this.lag - 1;
      if (j >= w) j -= w;
      replaceSorted(this.older, w - this.lag, leaving, this.ring[j]);
    }
    this.writeRow(out, offset);
    const d = Math.min(Math.abs(signal - prev), 4 * this.scale);
    this.scale += this.alpha * (d - this.scale);
    this.scale = Math.max(this.scale, this.floor());
    return "window";
  }

  private warmup(value: number): PushResult {
    this.warm.push(value);
    if (this.warm.length < this.w + 2) return "warmup";
    const raw = this.warm;
    const counter = this.spec.auto_rate && looksLikeCounter(raw);
    this.mode = counter ? "counter" : "gauge";
    const signal = counter ? raw.slice(1).map((v, i) => v - raw[i]) : raw.slice(1);
    let sum = 0;
    for (let i = 1; i < signal.length; i++) sum += Math.abs(signal[i] - signal[i - 1]);
    for (const s of signal.slice(-this.w)) this.append(s);
    this.scale = Math.max(sum / (signal.length - 1), this.floor());
    this.lastRaw = raw[raw.length - 1];
    this.sorted.set(this.ring);
    this.sorted.sort();
    if (this.older !== undefined) {
      const n = this.w - this.lag;
      for (let i = 0; i < n; i++) this.older[i] = this.ring[(this.ringPos + i) % this.w];
      this.older.sort();
    }
    this.warm = [];
    return "warmup";
  }

  private floor(): number {
    let level = 0;
    for (let i = 0; i < this.filled; i++) level += Math.abs(this.ring[i]);
    return 1e-9 + (1e-4 * level) / Math.max(1, this.filled);
  }

  private append(signal: number): void {
    this.ring[this.ringPos] = signal;
    this.ringPos = this.ringPos + 1 === this.w ? 0 : this.ringPos + 1;
    if (this.filled < this.w) this.filled++;
  }

  private writeRow(out: Float32Array, offset: number): void {
    const w = this.w;
    const ring = this.ring;
    const sorted = this.sorted;
    const h = w >>> 1;
    // Median of the window (mean of the two middle values when w is even), from the sorted copy.
    const center = w & 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
    const sigma = this.sigma;
    this.center = center;
    this.rowSigma = sigma;
    const clip = this.spec.clip;
    // Spread: mean |Δ| over the window without its TRIM largest steps, so a lone spike (two big
    // steps) does not look like a variance burst for as long as it stays in the window.
    let absDiff = 0;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    const pos = this.ringPos;
    let o = offset;
    let last = ring[pos];
    let z = (last - center) / sigma;
    out[o++] = z > clip ? clip : z < -clip ? -clip : z;
    // walk the ring oldest → newest without modulo: [pos+1, w) then [0, pos)
    for (let seg = 0; seg < 2; seg++) {
      const from = seg === 0 ? pos + 1 : 0;
      const to = seg === 0 ? w : pos;
      for (let j = from; j < to; j++) {
        const v = ring[j];
        z = (v - center) / sigma;
        out[o++] = z > clip ? clip : z < -clip ? -clip : z;
        let d = Math.abs(v - last);
        last = v;
        absDiff += d;
        if (d > t3) {
          let t: number;
          if (d > t0) {
            t = t0;
            t0 = d;
            d = t;
          }
          if (d > t1) {
            t = t1;
            t1 = d;
            d = t;
          }
          if (d > t2) {
            t = t2;
            t2 = d;
            d = t;
          }
          if (d > t3) t3 = d;
        }
      }
    }
    const steps = w - 1 - TRIM;
    const ratio = (absDiff - t0 - t1 - t2 - t3) / steps / (this.scale * TRIMMED_MEAN_FACTOR);
    out[offset + w] = this.spec.spread_weight * Math.log((ratio + 0.05) / 1.05);
  }
}

/**
 * Whether warm-up samples look like a monotonic counter: never decreasing, and increasing on at
 * least 90 % of the steps (such a series is scored as its per-step increase).
 */
export function looksLikeCounter(raw: readonly number[]): boolean {
  let nonNeg = 0;
  let pos = 0;
  for (let i = 1; i < raw.length; i++) {
    if (raw[i] >= raw[i - 1]) nonNeg++;
    if (raw[i] > raw[i - 1]) pos++;
  }
  return nonNeg === raw.length - 1 && pos >= 0.9 * (raw.length - 1);
}

/**
 * Replaces one occurrence of `leaving` in the ascending `a[0..n)` by `entering`, keeping it
 * sorted; returns the index where `entering` landed.
 */
export function replaceSorted(a: Float64Array, n: number, leaving: number, entering: number): number {
  // binary search for an index holding `leaving`
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < leaving) lo = mid + 1;
    else hi = mid;
  }
  let i = lo;
  if (entering >= leaving) {
    while (i + 1 < n && a[i + 1] < entering) {
      a[i] = a[i + 1];
      i++;
    }
  } else {
    while (i > 0 && a[i - 1] > entering) {
      a[i] = a[i - 1];
      i--;
    }
  }
  a[i] = entering;
  return i;
}

/** Median of `a` (reorders `a`): the shared quickselect of `models/detectors/shared/scale.ts`. */
export function median(a: Float64Array): number {
  return medianOf(a, a.length);
}
