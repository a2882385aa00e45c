/**
 * Generation of one synthetic series: baseline, planned anomalies, composition, labels.
 */
import { formatIso } from "../time.ts";
import { BASELINE_KINDS, type GeneratorParams, type InjectedAnomaly, type Series, type SeriesMeta } from "../types.ts";
import { injectAnomaly, planAnomalies, type Canvas } from "./anomalies.ts";
import { generateBaseline } from "./baselines.ts";
import { createRng, mixSeed } from "../random.ts";

/** Compose observed values: max(signal + noise + offset, 0), then stuck ranges. */
function compose(signal: Float64Array, c: Canvas): Float64Array {
  const n = signal.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = signal[i] + c.noise[i] + c.offset[i];
    out[i] = v > 0 ? v : 0;
  }
  for (const [s, e] of c.stuck) out.fill(out[s], s, e + 1);
  return out;
}

/** One generated series and what is known about it. */
export interface GeneratedSeries {
  series: Series;
  meta: SeriesMeta;
}

/**
 * Generate series number `index` of a dataset. Its random stream depends only on
 * (seed, index), and the baseline (including noise and a counter's start value) is drawn
 * before any anomaly, so `anomalous: false` yields exactly the clean version of the series.
 *
 * @example
 * const p = resolveParams({ seed: 1 });
 * const clean = generateSeries(p, 3, "series_0003", false, timestamps).series.values;
 */
export function generateSeries(p: GeneratorParams, index: number, name: string, anomalous: boolean, timestamps: Float64Array): GeneratedSeries {
  const iso = (i: number): string => formatIso(timestamps[i]);
  const n = p.nPoints;
  const rng = createRng(mixSeed(p.seed, index));
  const kind = rng.pick(BASELINE_KINDS);
  const b = generateBaseline(rng, { kind, nPoints: n, intervalSeconds: p.intervalSeconds });
  const canvas: Canvas = {
    noise: b.noise,
    offset: new Float64Array(n),
    sigma: b.noiseStd,
    base: b.baseValue,
    stuck: [],
    missing: [],
  };
  const counterStart = kind === "counter" ? Math.floor(rng.uniform(0, 1e6)) : 0;
  const plans = anomalous ? planAnomalies(rng, n, rng.int(1, 3)) : [];
  const anomalies: InjectedAnomaly[] = plans.map((a) => ({
    series: name,
    type: a.type,
    startIndex: a.labelStart,
    endIndex: a.labelEnd,
    start: iso(a.labelStart),
    end: iso(a.labelEnd),
    affectedStart: a.start,
    affectedEnd: a.end,
    magnitude: injectAnomaly(rng, canvas, a),
  }));
  const values = compose(b.signal, canvas);
  if (kind === "counter") {
    let acc = counterStart;
    for (let i = 0; i < n; i++) values[i] = acc += values[i];
  }
  for (const [s, e] of canvas.missing) values.fill(NaN, s, e + 1);
  const labels = new Uint8Array(n);
  for (const a of anomalies) labels.fill(1, a.startIndex, a.endIndex + 1);
  const meta: SeriesMeta = {
    name,
    baseline: kind,
    baseValue: b.baseValue,
    noiseLevel: b.noiseLevel,
    noiseStd: b.noiseStd,
    seasonalAmplitude: b.seasonalAmplitude,
    trendTotal: b.trendTotal,
    anomalies,
  };
  return { series: { name, timestamps: timestamps.slice(), values, labels }, meta };
}
