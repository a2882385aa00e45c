import { SeriesFeaturizer } from "../features/featurizer.ts";
import { defaultFeatureSpec, featureWidth, type FeatureSpec } from "../features/spec.ts";
import { MISSING_SCORE, type ScoringModel, type SeriesState } from "../model.ts";
import { CALIBRATED_THRESHOLD } from "../calibration.ts";
import { EXPECTED, LEVEL_K, LIMITS } from "./components.ts";

/** Options of the online detector. */
export interface OnlineOptions {
  /** Samples per window (default 32). */
  window?: number;
  /** Half-life, in samples, of the per-series statistics it learns (default 240). */
  halfLife?: number;
}

class OnlineState implements SeriesState {
  readonly featurizer: SeriesFeaturizer;
  /** Per-series running mean of each component statistic under normal behaviour. */
  readonly typical = new Float64Array(3);
  seen = 0;
  constructor(spec: FeatureSpec) {
    this.featurizer = new SeriesFeaturizer(spec, LEVEL_K);
    this.typical.set(EXPECTED);
  }
  get bytes(): number {
    const w = this.featurizer.spec.window;
    return 3 * 8 * (w + 2) + 8 * (2 * w - LEVEL_K) + 3 * 8 + 160;
  }
}

/**
 * `online:window` — the first online detector (the default until v0.2): no bundle, nothing pre-trained. Each series learns
 * from its own recent history: its noise scale (EWMA of |Δ|, see {@link SeriesFeaturizer}),
 * whether it is a counter, and how large its point, level and spread statistics usually are
 * (exponentially weighted, updated only on points it does not flag, so an anomaly cannot teach
 * itself in). A point's raw score is the largest of the three statistics divided by its limit,
 * the limit widened for series whose own history is noisier than Gaussian noise. Scoring at
 * time t uses data up to t only.
 */
export class OnlineDetector implements ScoringModel {
  readonly kind = "online";
  readonly version = "1";
  readonly threshold = CALIBRATED_THRESHOLD;
  readonly window: number;
  private readonly spec: FeatureSpec;
  private readonly alpha: number;
  private readonly row: Float32Array;
  private readonly limits: Float64Array;

  constructor(
    readonly name = "online:window",
    options: OnlineOptions = {},
  ) {
    this.spec = { ...defaultFeatureSpec(options.window ?? 32), scale_half_life: options.halfLife ?? 240 };
    this.window = this.spec.window;
    this.alpha = 1 - Math.pow(0.5, 1 / (options.halfLife ?? 240));
    this.row = new Float32Array(featureWidth(this.spec));
    this.limits = LIMITS;
  }

  createState(): OnlineState {
    return new OnlineState(this.spec);
  }

  /**
   * Scores one sample of one series. Same statistics as {@link componentStats} on the row, but
   * the medians come from the featurizer's sorted windows: the row's z-map is monotone, so the
   * median of z-values is the z of the raw median (the mean of two z's for an even count).
   */
  scoreOne(state: OnlineState, value: number): number {
    const f = state.featurizer;
    const r = f.push(value, this.row, 0);
    if (r === "missing") return MISSING_SCORE;
    if (r === "warmup") return 0;
    const row = this.row;
    const w = this.window;
    const older = w - LEVEL_K;
    // point: |newest − median of the other w−1|
    const n1 = w - 1;
    const k1 = n1 >>> 1;
    const restMedian = n1 & 1 ? f.zOf(f.restStat(k1)) : (f.zOf(f.restStat(k1 - 1)) + f.zOf(f.restStat(k1))) / 2;
    const point = Math.abs(row[w - 1] - restMedian);
    // level: |mean of the newest k − median of the older part|
    const k2 = older >>> 1;
    const olderMedian = older & 1 ? f.zOf(f.olderStat(k2)) : (f.zOf(f.olderStat(k2 - 1)) + f.zOf(f.olderStat(k2))) / 2;
    let recent = 0;
    for (let i = older; i < w; i++) recent += row[i];
    const level = Math.abs(recent / LEVEL_K - olderMedian);
    const sw = this.spec.spread_weight;
    const spread = sw > 0 ? Math.abs(row[w] / sw) : 0;
    const t = state.typical;
    const L = this.limits;
    const t0 = t[0] / EXPECTED[0];
    const t1 = t[1] / EXPECTED[1];
    const t2 = t[2] / EXPECTED[2];
    const p = point / (L[0] * (t0 > 1 ? t0 : 1));
    const l = level / (L[1] * (t1 > 1 ? t1 : 1));
    const s = spread / (L[2] * (t2 > 1 ? t2 : 1));
    const raw = p > l ? (p > s ? p : s) : l > s ? l : s;
    state.seen++;
    if (raw < 1) {
      t[0] += this.alpha * (point - t[0]);
      t[1] += this.alpha * (level - t[1]);
      t[2] += this.alpha * (spread - t[2]);
    }
    return raw / (raw + 1);
  }

  async scoreSeries(series: readonly Float64Array[]): Promise<Float32Array[]> {
    return series.map((values) => {
      const state = this.createState();
      const out = new Float32Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = this.scoreOne(state, values[i]);
      return out;
    });
  }

  async scoreTick(states: readonly SeriesState[], values: ArrayLike<number>): Promise<Float32Array> {
    const out = new Float32Array(states.length);
    for (let i = 0; i < states.length; i++) out[i] = this.scoreOne(states[i] as OnlineState, values[i]);
    return out;
  }

  dispose(): void {}
}
