/**
 * The synthetic source: the labelled generator of `data/synthetic/` as an endless live stream.
 *
 * @module
 */
import type { CollectResult, MetricSample } from "../../events.ts";
import type { BaselineKind } from "../../../data/types.ts";
import { mixSeed } from "../../../data/synthetic/index.ts";
import type { Source } from "../source.ts";
import { createScratch, fillChunk, FLAG_MISSING, FLAG_TRUTH, seriesSpec, type ChunkScratch, type ChunkTarget, type SeriesSpec } from "./chunk.ts";

/** Options of {@link createSyntheticSource}. */
export interface SyntheticSourceOptions {
  id: string;
  /** Milliseconds between rounds; also the step of the seasonal (daily) period. */
  intervalMs: number;
  /** Number of series (one sample each per round). */
  series: number;
  /** Probability that a series gets 1–3 anomalies in a chunk. Default 0.3. */
  anomalyRatio?: number;
  /** Seed: the same seed gives the same value sequence per series. Default 1. */
  seed?: number;
  /** Points per pre-generated chunk (≥ 300). Memory ≈ 5 bytes × series × chunkPoints. Default 720. */
  chunkPoints?: number;
}

/** Named defaults of {@link SyntheticSourceOptions}. */
export const SYNTHETIC_DEFAULTS = { anomalyRatio: 0.3, seed: 1, chunkPoints: 720 } as const;

/** Smallest chunk: leaves room for every anomaly type after the quiet lead-in of a chunk. */
export const MIN_CHUNK_POINTS = 300;

/** Metric name of every synthetic sample. */
export const SYNTHETIC_METRIC = "synthetic.value";

/** A synthetic source; `seriesInfo` describes what each series index emits. */
export interface SyntheticSource extends Source {
  readonly type: "synthetic";
  /** Per series (by index): name and baseline kind, i.e. its label set. */
  readonly seriesInfo: ReadonlyArray<{ readonly name: string; readonly baseline: BaselineKind }>;
  /** Rounds emitted so far. */
  readonly rounds: number;
}

function validate(o: SyntheticSourceOptions, ratio: number, seed: number, chunk: number): void {
  const bad: string[] = [];
  if (!Number.isInteger(o.series) || o.series < 1) bad.push(`series must be an integer >= 1 (got ${o.series})`);
  if (!(o.intervalMs > 0)) bad.push(`intervalMs must be > 0 (got ${o.intervalMs})`);
  if (!(ratio >= 0 && ratio <= 1)) bad.push(`anomalyRatio must be in [0, 1] (got ${ratio})`);
  if (!Number.isSafeInteger(seed)) bad.push(`seed must be an integer (got ${seed})`);
  if (!Number.isInteger(chunk) || chunk < MIN_CHUNK_POINTS) bad.push(`chunkPoints must be an integer >= ${MIN_CHUNK_POINTS} (got ${chunk})`);
  if (bad.length > 0) throw new RangeError(`synthetic source ${o.id}: ${bad.join("; ")}`);
}

/**
 * Create a synthetic source. Each `collect(now)` returns one `synthetic.value` sample per series
 * with labels `{series, baseline}`, `truth` (1 inside an injected anomaly window), NaN for a
 * `missing_gap` point, type `counter` for counter series else `gauge`, timestamp `now`.
 *
 * Series are generated chunk by chunk into typed arrays (memory is fixed at construction);
 * chunk boundaries are staggered per series so regeneration work spreads over the rounds.
 * Label objects are shared between rounds and frozen: treat them as read-only.
 *
 * @example
 * const src = createSyntheticSource({ id: "syn", intervalMs: 1000, series: 100, seed: 7 });
 * const { samples } = await src.collect(Date.now());
 * samples[0].labels; // { series: "series_0000", baseline: "seasonal" }
 */
export function createSyntheticSource(opts: SyntheticSourceOptions): SyntheticSource {
  const anomalyRatio = opts.anomalyRatio ?? SYNTHETIC_DEFAULTS.anomalyRatio;
  const seed = opts.seed ?? SYNTHETIC_DEFAULTS.seed;
  const L = opts.chunkPoints ?? SYNTHETIC_DEFAULTS.chunkPoints;
  validate(opts, anomalyRatio, seed, L);
  const n = opts.series;
  const width = Math.max(4, String(n - 1).length);
  const specs: SeriesSpec[] = new Array(n);
  const labels: Readonly<Record<string, string>>[] = new Array(n);
  const types: Array<"counter" | "gauge"> = new Array(n);
  const stagger = new Int32Array(n);
  const walk = new Float64Array(n);
  const acc = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const spec = seriesSpec(seed, k);
    specs[k] = spec;
    labels[k] = Object.freeze({ series: `series_${String(k).padStart(width, "0")}`, baseline: spec.kind });
    types[k] = spec.kind === "counter" ? "counter" : "gauge";
    stagger[k] = mixSeed(seed, k, -3) % L;
    walk[k] = spec.walk0;
    acc[k] = spec.counterStart;
  }
  const values = new Float32Array(n * L);
  const flags = new Uint8Array(n * L);
  const scratch: ChunkScratch = createScratch(L);
  const periodPoints = 86_400_000 / opts.intervalMs;
  const target: ChunkTarget = { seed, anomalyRatio, periodPoints, values, flags };
  let round = 0;

  const generate = (k: number, chunk: number): void => {
    target.values = values.subarray(k * L, (k + 1) * L);
    target.flags = flags.subarray(k * L, (k + 1) * L);
    walk[k] = fillChunk(specs[k], chunk, walk[k], target, scratch);
  };

  return {
    id: opts.id,
    type: "synthetic",
    intervalMs: opts.intervalMs,
    seriesInfo: labels.map((l) => ({ name: l.series, baseline: l.baseline as BaselineKind })),
    get rounds() {
      return round;
    },
    async collect(now: number): Promise<CollectResult> {
      const samples: MetricSample[] = new Array(n);
      for (let k = 0; k < n; k++) {
        const p = round + stagger[k];
        const i = p % L;
        if (i === 0 || round === 0) generate(k, Math.floor(p / L));
        const at = k * L + i;
        const f = flags[at];
        let v: number = values[at];
        if (types[k] === "counter") v = acc[k] += v;
        samples[k] = {
          name: SYNTHETIC_METRIC,
          labels: labels[k] as Record<string, string>,
          value: (f & FLAG_MISSING) !== 0 ? NaN : v,
          timestamp: now,
          type: types[k],
          truth: (f & FLAG_TRUTH) !== 0 ? 1 : 0,
        };
      }
      round++;
      return { samples, errors: [] };
    },
  };
}
