import { SeriesFeaturizer } from "./features/featurizer.ts";
import { featureWidth, type FeatureSpec } from "./features/spec.ts";
import { buildWindows } from "./features/windows.ts";
import { calibrate, CALIBRATED_THRESHOLD } from "./calibration.ts";
import type { Detector } from "./detector.ts";
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
      const scores = calibrate(await this.detector.scoreRaw(w.batch), this.tau);
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
      const scores = calibrate(await this.detector.scoreRaw(batch), this.tau);
      which.forEach((s, r) => (out[s] = scores[r]));
    }
    return out;
  }

  dispose(): void {
    this.detector.dispose();
  }
}
