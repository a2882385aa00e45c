/**
 * Chunked, endless generation of one synthetic series, built on the `data/synthetic/`
 * primitives (baseline distributions, anomaly planning and injection, seeded RNG).
 *
 * A series keeps its static shape for ever (baseline kind, base level, noise level, seasonal
 * amplitude and phase, trend size: drawn once from the seed and the series index); each chunk
 * draws fresh noise, random-walk steps and anomalies from (seed, index, chunk). The signal is
 * continuous across chunk boundaries: the seasonal sine uses the global point index, the trend
 * is a triangle wave (up over one chunk, down over the next), and the random walk and the
 * counter accumulator carry over.
 */
import { BASELINE_KINDS, type BaselineKind } from "../../../data/types.ts";
import { createRng, injectAnomaly, mixSeed, planAnomalies, type Canvas } from "../../../data/synthetic/index.ts";

/** Flag bit of a point inside a labelled anomaly window. */
export const FLAG_TRUTH = 1;
/** Flag bit of a missing point (`missing_gap`): emitted as NaN. */
export const FLAG_MISSING = 2;

/** AR(1) coefficient of the random walk, as in `data/synthetic/baselines.ts`. */
const WALK_PHI = 0.99;
const SALT_STATIC = -2;

/** The fixed shape of one series; only noise, walk steps and anomalies change per chunk. */
export interface SeriesSpec {
  index: number;
  kind: BaselineKind;
  baseValue: number;
  /** Noise std σ = baseValue × noise level. */
  sigma: number;
  seasonalAmplitude: number;
  phase: number;
  /** Peak of the trend triangle wave (signed); 0 unless `trend`. */
  trendTotal: number;
  /** Counter start value (0 unless `counter`). */
  counterStart: number;
  /** Initial random-walk state (0 unless `random_walk`). */
  walk0: number;
}

/**
 * Draw the static shape of series `index`. Kind, base level and noise level are drawn exactly
 * as `generateDataset({ seed })` draws series `index`, so the live series matches the offline one.
 *
 * @example
 * seriesSpec(1, 0).kind; // same as generateDataset({ seed: 1 }).meta[0].baseline
 */
export function seriesSpec(seed: number, index: number): SeriesSpec {
  const rng = createRng(mixSeed(seed, index));
  const kind = rng.pick(BASELINE_KINDS);
  const baseValue = rng.uniform(10, 1000);
  const sigma = baseValue * rng.uniform(0.02, 0.1);
  const r2 = createRng(mixSeed(seed, index, SALT_STATIC));
  let seasonalAmplitude = 0;
  let phase = 0;
  if (kind === "seasonal" || (kind === "trend" && r2.next() < 0.5)) {
    seasonalAmplitude = baseValue * r2.uniform(0.1, kind === "seasonal" ? 0.5 : 0.3);
    phase = r2.uniform(0, 2 * Math.PI);
  }
  const trendTotal = kind === "trend" ? r2.sign() * r2.uniform(0.05, 0.3) * baseValue : 0;
  const counterStart = kind === "counter" ? Math.floor(r2.uniform(0, 1e6)) : 0;
  const walkStd = 0.3 * sigma;
  const walk0 = kind === "random_walk" ? (r2.normal() * walkStd) / Math.sqrt(1 - WALK_PHI * WALK_PHI) : 0;
  return { index, kind, baseValue, sigma, seasonalAmplitude, phase, trendTotal, counterStart, walk0 };
}

/** Reusable working arrays of {@link fillChunk} (one set per source, not per series). */
export interface ChunkScratch {
  signal: Float64Array;
  noise: Float64Array;
  offset: Float64Array;
}

/** Allocate scratch arrays for chunks of `len` points. */
export function createScratch(len: number): ChunkScratch {
  return { signal: new Float64Array(len), noise: new Float64Array(len), offset: new Float64Array(len) };
}

/** Where one chunk is generated: the stream parameters and this series' output slots. */
export interface ChunkTarget {
  seed: number;
  anomalyRatio: number;
  /** Points per day, the seasonal period (86400 / interval seconds). */
  periodPoints: number;
  /** Observed values; for counters the per-step increment (cumulated when emitted). */
  values: Float32Array;
  /** {@link FLAG_TRUTH} | {@link FLAG_MISSING} per point. */
  flags: Uint8Array;
}

/**
 * Generate chunk number `chunk` of a series into `out.values` / `out.flags` (both of the chunk
 * length). `walk` is the random-walk state at the chunk start; the state at its end is returned.
 * Chunks must be generated in order for the walk to be deterministic.
 *
 * @example
 * const w1 = fillChunk(spec, 0, spec.walk0, target, createScratch(720));
 */
export function fillChunk(spec: SeriesSpec, chunk: number, walk: number, out: ChunkTarget, s: ChunkScratch): number {
  const n = out.values.length;
  const { signal, noise, offset } = s;
  const rng = createRng(mixSeed(out.seed, spec.index, chunk));
  const first = chunk * n;
  const w = (2 * Math.PI) / out.periodPoints;
  const walkStd = 0.3 * spec.sigma;
  for (let i = 0; i < n; i++) {
    const g = first + i;
    let v = spec.baseValue;
    if (spec.seasonalAmplitude !== 0) v += spec.seasonalAmplitude * Math.sin(w * g + spec.phase);
    if (spec.trendTotal !== 0) {
      const q = g % (2 * n);
      v += (spec.trendTotal * (q < n ? q : 2 * n - q)) / n;
    }
    if (spec.kind === "random_walk") {
      walk = WALK_PHI * walk + rng.normal() * walkStd;
      v += walk;
    }
    signal[i] = v;
    noise[i] = rng.normal() * spec.sigma;
  }
  offset.fill(0);
  const canvas: Canvas = { noise, offset, sigma: spec.sigma, base: spec.baseValue, stuck: [], missing: [] };
  const flags = out.flags;
  flags.fill(0);
  if (rng.next() < out.anomalyRatio) {
    for (const plan of planAnomalies(rng, n, rng.int(1, 3))) {
      injectAnomaly(rng, canvas, plan);
      flags.fill(FLAG_TRUTH, plan.labelStart, Math.min(plan.labelEnd, n - 1) + 1);
    }
  }
  const values = out.values;
  for (let i = 0; i < n; i++) {
    const v = signal[i] + noise[i] + offset[i];
    values[i] = v > 0 ? v : 0;
  }
  for (const [a, b] of canvas.stuck) values.fill(values[a], a, b + 1);
  for (const [a, b] of canvas.missing) for (let i = a; i <= b; i++) flags[i] |= FLAG_MISSING;
  return walk;
}
