import { z } from "zod";
import { assertBatch, WindowShapeError, type BundleFile, type Detector, type FitOptions, type WindowBatch } from "../../detector.ts";
import { assertFinite } from "../shared/batch-checks.ts";
import type { LoadFiles } from "../shared/binary.ts";
import { median } from "../shared/scale.ts";
import { ewmaStats, madStats } from "./zscore-stats.ts";

/** How the newest value is compared with the rest of the window. */
export const ROBUST_Z_METHODS = ["mad", "ewma", "max"] as const;
/** `mad`: rolling median/MAD; `ewma`: exponentially weighted mean/std; `max`: the larger z. */
export type RobustZMethod = (typeof ROBUST_Z_METHODS)[number];

/** Options of {@link RobustZScore}. */
export interface RobustZScoreOptions {
  /** Values per window (≥ 3); the last one is scored against the others. */
  window: number;
  /** Extra features after the values; ignored by this detector. */
  extra: number;
  method?: RobustZMethod;
  /** EWMA weight of each newer value, in (0, 1]. */
  alpha?: number;
  /** Spread floor = this × the median spread seen in training. */
  floorFraction?: number;
  /** Absolute lower bound of the floor (also the floor before fit). */
  minFloor?: number;
  /** At most this many training windows (evenly strided) are looked at by fit. */
  maxFitRows?: number;
}

/** Defaults of the optional {@link RobustZScoreOptions}. */
export const ROBUST_Z_DEFAULTS = { method: "mad", alpha: 0.1, floorFraction: 0.1, minFloor: 1e-3, maxFitRows: 20_000 } as const;

const positive = z.number().positive();
const paramsSchema = z.strictObject({
  window: z.number().int().min(3),
  extra: z.number().int().min(0),
  method: z.enum(ROBUST_Z_METHODS),
  alpha: positive.max(1),
  floorFraction: z.number().min(0),
  minFloor: positive,
  maxFitRows: z.number().int().min(1),
  madFloor: positive,
  ewmaFloor: positive,
});

/** The JSON params {@link RobustZScore.save} writes (no files). */
export type RobustZScoreParams = z.infer<typeof paramsSchema>;

/**
 * Robust z-score of the newest value against the window's earlier values. Raw score =
 * |x_last − center| / max(spread, floor); only the floors are learned.
 * @example
 * const det = new RobustZScore({ window: 32, extra: 1, method: "max" });
 * await det.fit(train);
 * const z = await det.scoreRaw(batch);
 */
export class RobustZScore implements Detector {
  readonly kind = "robust-zscore" as const;
  readonly width: number;
  private readonly p: RobustZScoreParams;
  private readonly scratch: Float64Array;
  private readonly stats = new Float64Array(2);

  constructor(options: RobustZScoreOptions & { madFloor?: number; ewmaFloor?: number }) {
    const o = { ...ROBUST_Z_DEFAULTS, ...options };
    this.p = paramsSchema.parse({ madFloor: o.minFloor, ewmaFloor: o.minFloor, ...o });
    this.width = this.p.window + this.p.extra;
    this.scratch = new Float64Array(this.p.window - 1);
  }

  /** The current spread floors. */
  get floors(): { mad: number; ewma: number } {
    return { mad: this.p.madFloor, ewma: this.p.ewmaFloor };
  }

  /** Sets each floor to `floorFraction` × the median per-window spread (≥ `minFloor`). */
  async fit(batch: WindowBatch, options: FitOptions = {}): Promise<void> {
    assertBatch(batch, this.width, "robust-zscore");
    assertFinite(batch, "robust-zscore");
    if (batch.n < 1) throw new WindowShapeError("robust-zscore: needs at least 1 training window");
    const stride = Math.ceil(batch.n / this.p.maxFitRows);
    const m = Math.ceil(batch.n / stride);
    const mads = new Float64Array(m);
    const ewms = new Float64Array(m);
    const ref = this.p.window - 1;
    for (let i = 0; i < m; i++) {
      const base = i * stride * this.width;
      madStats(batch.data, base, ref, this.scratch, this.stats);
      mads[i] = this.stats[1];
      ewmaStats(batch.data, base, ref, this.p.alpha, this.stats);
      ewms[i] = this.stats[1];
    }
    this.p.madFloor = Math.max(this.p.minFloor, this.p.floorFraction * median(mads, m));
    this.p.ewmaFloor = Math.max(this.p.minFloor, this.p.floorFraction * median(ewms, m));
    options.onProgress?.(1, "spread floors set");
  }

  /** Raw z-scores (async wrapper of {@link RobustZScore.scoreInto}). */
  async scoreRaw(batch: WindowBatch): Promise<Float32Array> {
    return this.scoreInto(batch);
  }

  /** Synchronous scoring; writes into `out` (length ≥ n) when given. Works before fit (floor = minFloor). */
  scoreInto(batch: WindowBatch, out: Float32Array = new Float32Array(batch.n)): Float32Array {
    assertBatch(batch, this.width, "robust-zscore");
    assertFinite(batch, "robust-zscore");
    if (out.length < batch.n) throw new RangeError(`robust-zscore: out holds ${out.length} < ${batch.n} scores`);
    const { method, alpha, madFloor, ewmaFloor } = this.p;
    const { data, n, width } = batch;
    const ref = this.p.window - 1;
    const s = this.stats;
    const useMad = method !== "ewma";
    const useEwma = method !== "mad";
    for (let r = 0, base = 0; r < n; r++, base += width) {
      const last = data[base + ref];
      let score = 0;
      if (useMad) {
        madStats(data, base, ref, this.scratch, s);
        score = Math.abs(last - s[0]) / Math.max(s[1], madFloor);
      }
      if (useEwma) {
        ewmaStats(data, base, ref, alpha, s);
        score = Math.max(score, Math.abs(last - s[0]) / Math.max(s[1], ewmaFloor));
      }
      out[r] = score;
    }
    return out;
  }

  /** All options plus the learned floors; no files. */
  async save(): Promise<{ params: RobustZScoreParams; files: BundleFile[] }> {
    return { params: { ...this.p }, files: [] };
  }

  /** Rebuilds a detector from {@link RobustZScore.save} params (unknown keys rejected). */
  static async load(params: Record<string, unknown>, _files?: LoadFiles): Promise<RobustZScore> {
    return new RobustZScore(paramsSchema.parse(params));
  }

  /** Nothing to release. */
  dispose(): void {}
}
