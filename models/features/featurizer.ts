import type { FeatureSpec } from "./spec.ts";
import { featureWidth } from "./spec.ts";
import { median as medianOf } from "../detectors/scale.ts";

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
  private readonly scratch: Float64Array;

  constructor(readonly spec: FeatureSpec) {
    this.w = spec.window;
    this.width = featureWidth(spec);
    this.ring = new Float64Array(this.w);
    this.scratch = new Float64Array(this.w);
    this.alpha = 1 - Math.pow(0.5, 1 / spec.scale_half_life);
  }

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
    const prev = this.ring[(this.ringPos + this.w - 1) % this.w];
    this.append(signal);
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
    let nonNeg = 0;
    let pos = 0;
    for (let i = 1; i < raw.length; i++) {
      if (raw[i] >= raw[i - 1]) nonNeg++;
      if (raw[i] > raw[i - 1]) pos++;
    }
    const counter = this.spec.auto_rate && nonNeg === raw.length - 1 && pos >= 0.9 * (raw.length - 1);
    this.mode = counter ? "counter" : "gauge";
    const signal = counter ? raw.slice(1).map((v, i) => v - raw[i]) : raw.slice(1);
    let sum = 0;
    for (let i = 1; i < signal.length; i++) sum += Math.abs(signal[i] - signal[i - 1]);
    for (const s of signal.slice(-this.w)) this.append(s);
    this.scale = Math.max(sum / (signal.length - 1), this.floor());
    this.lastRaw = raw[raw.length - 1];
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
    this.ringPos = (this.ringPos + 1) % this.w;
    if (this.filled < this.w) this.filled++;
  }

  private writeRow(out: Float32Array, offset: number): void {
    const w = this.w;
    const ordered = this.scratch;
    for (let i = 0; i < w; i++) ordered[i] = this.ring[(this.ringPos + i) % w];
    const center = median(ordered);
    const sigma = this.sigma;
    const clip = this.spec.clip;
    // Spread: mean |Δ| over the window without its TRIM largest steps, so a lone spike (two big
    // steps) does not look like a variance burst for as long as it stays in the window.
    let absDiff = 0;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (let i = 0; i < w; i++) {
      const v = this.ring[(this.ringPos + i) % w];
      const z = (v - center) / sigma;
      out[offset + i] = z > clip ? clip : z < -clip ? -clip : z;
      if (i === 0) continue;
      let d = Math.abs(v - this.ring[(this.ringPos + i - 1) % w]);
      absDiff += d;
      if (d > t3) {
        if (d > t0) [d, t0] = [t0, d];
        if (d > t1) [d, t1] = [t1, d];
        if (d > t2) [d, t2] = [t2, d];
        if (d > t3) t3 = d;
      }
    }
    const steps = w - 1 - TRIM;
    const ratio = (absDiff - t0 - t1 - t2 - t3) / steps / (this.scale * TRIMMED_MEAN_FACTOR);
    out[offset + w] = this.spec.spread_weight * Math.log((ratio + 0.05) / 1.05);
  }
}

/** Median of `a` (reorders `a`): the shared quickselect of `models/detectors/scale.ts`. */
export function median(a: Float64Array): number {
  return medianOf(a, a.length);
}
