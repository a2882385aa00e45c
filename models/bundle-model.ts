import { SeriesFeaturizer } from "./features/featurizer.ts";
import { featureWidth, type FeatureSpec } from "./features/spec.ts";
import { buildWindows } from "./features/windows.ts";
import { calibrate, CALIBRATED_THRESHOLD } from "./calibration.ts";
import type { Detector, WindowBatch } from "./detector.ts";
import type { Manifest } from "./format/manifest.ts";
import { MISSING_SCORE, type ScoringModel, type SeriesState } from "./model.ts";

class BundleState implements SeriesState {
  constructor(readonly featurizer: SeriesFeaturizer) {}
  get bytes(): number {
    return 16 * this.featurizer.spec.window + 128;
  }
}

/**
 * A trained detector plus its feature spec and calibration: what a bundle directory loads into.
 * Windows of many series are scored in one detector call (one tfjs batch per tick).
 */
export class BundleModel implements ScoringModel {
  readonly threshold = CALIBRATED_THRESHOLD;
  readonly window: number;
  readonly kind: string;
  /** Series of the last `scoreTick` scored from a full window. */
  lastTickScored = 0;
  private readonly width: number;

  constructor(
    readonly name: string,
    readonly version: string,
    readonly detector: Detector,
    readonly spec: FeatureSpec,
    /** Raw-score threshold τ from calibration. */
    readonly tau: number,
    /** The manifest this model came from, when loaded from a bundle. */
    readonly manifest?: Manifest,
  ) {
    this.window = spec.window;
    this.kind = detector.kind;
    this.width = featureWidth(spec);
    if (detector.width !== this.width) {
      throw new Error(`detector width ${detector.width} does not fit feature width ${this.width} (window ${spec.window})`);
    }
  }

  async scoreSeries(series: readonly Float64Array[]): Promise<Float32Array[]> {
    const out = series.map((v) => new Float32Array(v.length));
    series.forEach((values, s) => {
      for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) out[s][i] = MISSING_SCORE;
    });
    // Bounded memory: build and score windows for groups of series.
    const group = Math.max(1, Math.floor(400_000 / Math.max(1, series[0]?.length ?? 1)));
    for (let g = 0; g < series.length; g += group) {
      const part = series.slice(g, g + group);
      const w = buildWindows(part, this.spec);
      if (w.batch.n === 0) continue;
      const scores = await this.scoreRows(w.batch);
      for (let r = 0; r < w.batch.n; r++) out[g + w.seriesIndex[r]][w.pointIndex[r]] = scores[r];
    }
    return out;
  }

  createState(): BundleState {
    return new BundleState(new SeriesFeaturizer(this.spec));
  }

  async scoreTick(states: readonly SeriesState[], values: ArrayLike<number>): Promise<Float32Array> {
    const out = new Float32Array(states.length);
    const rows = new Float32Array(states.length * this.width);
    const which: number[] = [];
    for (let i = 0; i < states.length; i++) {
      const r = (states[i] as BundleState).featurizer.push(values[i], rows, which.length * this.width);
      if (r === "missing") out[i] = MISSING_SCORE;
      else if (r === "window") which.push(i);
    }
    if (which.length > 0) {
      const batch = { data: rows.subarray(0, which.length * this.width), n: which.length, width: this.width };
      const scores = await this.scoreRows(batch);
      which.forEach((s, r) => (out[s] = scores[r]));
    }
    this.lastTickScored = which.length;
    return out;
  }

  /**
   * Calibrated scores of a batch of windows. A window holding a non-finite feature (an input the
   * features cannot represent, e.g. ±1e308) is not given to the detector — one such series must
   * not fail the batch of all the others — and scores {@link MISSING_SCORE}, like a gap. A
   * non-finite raw score of the detector stays NaN (see `calibrate`): the model's own failure.
   */
  private async scoreRows(batch: WindowBatch): Promise<Float32Array> {
    const { data, n, width } = batch;
    const good: number[] = [];
    for (let r = 0, base = 0; r < n; r++, base += width) {
      let ok = true;
      for (let c = base; c < base + width; c++) if (!Number.isFinite(data[c])) ok = false;
      if (ok) good.push(r);
    }
    if (good.length === n) return this.detect(batch);
    const out = new Float32Array(n).fill(MISSING_SCORE);
    if (good.length === 0) return out;
    const rows = new Float32Array(good.length * width);
    good.forEach((r, k) => rows.set(data.subarray(r * width, (r + 1) * width), k * width));
    const scores = await this.detect({ data: rows, n: good.length, width });
    good.forEach((r, k) => (out[r] = scores[k]));
    return out;
  }

  private async detect(batch: WindowBatch): Promise<Float32Array> {
    const raw = await this.detector.scoreRaw(batch);
    if (raw.length !== batch.n) throw new Error(`detector ${this.kind} returned ${raw.length} scores for ${batch.n} windows`);
    return calibrate(raw, this.tau);
  }

  dispose(): void {
    this.detector.dispose();
  }
}
