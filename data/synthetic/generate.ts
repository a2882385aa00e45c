/**
 * The synthetic labelled dataset generator: pure and deterministic for a given seed.
 *
 * Each series gets its own random stream derived from (seed, index), so a series does not
 * change when others are added; which series carry anomalies is drawn from the seed alone.
 */
import type { AnomalyRecord, GeneratorParams, Series, SeriesMeta, SyntheticDataset } from "../types.ts";
import { createRng, mixSeed, type Rng } from "../random.ts";
import { generateSeries } from "./series.ts";

/** Options of {@link generateDataset}; every field has a default. */
export type GenerateOptions = Partial<GeneratorParams>;

/** Defaults of {@link generateDataset}: 1000 series × 1440 one-minute points from 2026-01-01. */
export const GENERATE_DEFAULTS: Readonly<GeneratorParams> = {
  nSeries: 1000,
  nPoints: 1440,
  anomalyRatio: 0.3,
  seed: 42,
  intervalSeconds: 60,
  start: Date.UTC(2026, 0, 1),
};

/** Smallest series length that leaves room for every anomaly type after the quiet lead-in. */
export const MIN_POINTS = 300;

/**
 * Resolve options against the defaults; throws a RangeError listing every invalid field.
 *
 * @example
 * resolveParams({ nSeries: 10 }).nPoints; // 1440
 */
export function resolveParams(opts: GenerateOptions = {}): GeneratorParams {
  const p = { ...GENERATE_DEFAULTS, ...opts };
  const bad: string[] = [];
  if (!Number.isInteger(p.nSeries) || p.nSeries < 1) bad.push(`nSeries must be an integer >= 1 (got ${p.nSeries})`);
  if (!Number.isInteger(p.nPoints) || p.nPoints < MIN_POINTS) bad.push(`nPoints must be an integer >= ${MIN_POINTS} (got ${p.nPoints})`);
  if (!(p.anomalyRatio >= 0 && p.anomalyRatio <= 1)) bad.push(`anomalyRatio must be in [0, 1] (got ${p.anomalyRatio})`);
  if (!Number.isSafeInteger(p.seed)) bad.push(`seed must be an integer (got ${p.seed})`);
  if (!(p.intervalSeconds > 0 && Number.isFinite(p.intervalSeconds))) bad.push(`intervalSeconds must be > 0 (got ${p.intervalSeconds})`);
  if (!Number.isFinite(p.start)) bad.push(`start must be a finite epoch ms (got ${p.start})`);
  if (bad.length > 0) throw new RangeError(`invalid generator options: ${bad.join("; ")}`);
  return p;
}

/** Choose exactly `k` distinct indices out of `n` (partial Fisher-Yates). */
function chooseIndices(rng: Rng, n: number, k: number): Uint8Array {
  const idx = Array.from({ length: n }, (_, i) => i);
  const chosen = new Uint8Array(n);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
    chosen[idx[i]] = 1;
  }
  return chosen;
}

/**
 * Generate a labelled synthetic dataset. Pure: the same options give identical output.
 *
 * A fraction `anomalyRatio` of the series (exactly round(nSeries × ratio)) get 1–3 anomalies
 * each; the others are clean. For `counter` series the anomalies are injected into the rate
 * before it is cumulated.
 *
 * @example
 * const ds = generateDataset({ nSeries: 10, nPoints: 600, seed: 7 });
 * ds.series[0].name;        // "series_0000"
 * ds.meta[0].baseline;      // e.g. "seasonal"
 */
export function generateDataset(opts: GenerateOptions = {}): SyntheticDataset {
  const p = resolveParams(opts);
  const n = p.nPoints;
  const timestamps = new Float64Array(n);
  const stepMs = p.intervalSeconds * 1000;
  for (let i = 0; i < n; i++) timestamps[i] = p.start + i * stepMs;

  const chosen = chooseIndices(createRng(mixSeed(p.seed, -1)), p.nSeries, Math.round(p.nSeries * p.anomalyRatio));
  const width = Math.max(4, String(p.nSeries - 1).length);
  const series: Series[] = [];
  const meta: SeriesMeta[] = [];
  const anomalies: AnomalyRecord[] = [];
  for (let k = 0; k < p.nSeries; k++) {
    const name = `series_${String(k).padStart(width, "0")}`;
    const one = generateSeries(p, k, name, chosen[k] === 1, timestamps);
    series.push(one.series);
    meta.push(one.meta);
    for (const a of one.meta.anomalies) anomalies.push(a);
  }
  return { series, anomalies, params: p, meta };
}
