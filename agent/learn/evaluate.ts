/**
 * How a candidate is judged against the model in use without labels (a host has none): both
 * score the same held-back history — the newest part of each series, which the candidate did not
 * train on — into which synthetic anomalies were injected at seeded places, and the event F1 of
 * each decides.
 *
 * Injected events (σ: the robust spread of the series' first differences over its training part,
 * median |Δ| × 1.4826, floored at 1e-6 × (1 + |median value|)): spikes (one sample +10 σ or −10 σ)
 * and level shifts (30 samples +6 σ or −6 σ), alternating, at most one per 400 held-back samples
 * (at least one, at most 5 a series), never in the first or last 64 held-back samples.
 *
 * Counting: an onset is a score at or above the model's threshold after one below it. An event is
 * detected when an onset (or a score already above the threshold) falls in [start, end + 10); an
 * onset elsewhere in the held-back part is a false alarm. Precision = detected / (detected + false
 * alarms), recall = detected / events, F1 their harmonic mean, pooled over every series.
 *
 * Rule ({@link compareResults}): with at least 20 injected events ({@link MIN_EVENTS}; fewer is too
 * little evidence), the candidate replaces the model in use only when its F1 is at least
 * `margin` higher and its false alarms per 1000 held-back samples are at most max(1.25 × the
 * current's, the current's + 0.2). A candidate with any non-finite score is refused.
 * @module
 */
import { createRng, mixSeed } from "../../data/random.ts";
import type { ScoringModel } from "../../models/model.ts";

/** One series held back for evaluation: its whole history; `[trainEnd, n)` is the held-back part. */
export interface EvalSeries {
  values: Float64Array;
  timestamps: Float64Array;
  trainEnd: number;
}

/** One series with its injected events. */
export interface InjectedSeries extends EvalSeries {
  /** Half-open `[start, end)` sample ranges of the injected events. */
  events: [number, number][];
}

/** How one model did on the held-back history. */
export interface EvalResult {
  f1: number;
  precision: number;
  recall: number;
  /** False alarms per 1000 held-back samples. */
  false_alarms_per_1k: number;
  events: number;
  detected: number;
  false_alarms: number;
  /** Held-back samples scored. */
  points: number;
  /** Non-finite scores the model gave (any refuses a candidate). */
  non_finite: number;
}

const LAG = 10;
/** Least injected events a verdict of "better" needs (fewer: too little evidence, the model in use stays). */
export const MIN_EVENTS = 20;
const EDGE = 64;

function robustDiffSigma(v: Float64Array, end: number): number {
  const d: number[] = [];
  const vals: number[] = [];
  for (let i = 1; i < end; i++) {
    const x = v[i] - v[i - 1];
    if (Number.isFinite(x)) d.push(Math.abs(x));
    if (Number.isFinite(v[i])) vals.push(v[i]);
  }
  const med = (a: number[]): number => (a.length ? a.sort((x, y) => x - y)[a.length >> 1] : 0);
  const floor = 1e-6 * (1 + Math.abs(med(vals)));
  return Math.max(med(d) * 1.4826, floor);
}

/** Injects seeded spikes and level shifts into the held-back part of each series (copies). */
export function injectAnomalies(series: readonly EvalSeries[], seed: number): InjectedSeries[] {
  return series.map((s, k) => {
    const values = Float64Array.from(s.values);
    const events: [number, number][] = [];
    const held = values.length - s.trainEnd;
    const room = held - 2 * EDGE;
    if (room < 40) return { ...s, values, events };
    const rng = createRng(mixSeed(seed, k));
    const sigma = robustDiffSigma(s.values, s.trainEnd);
    const count = Math.min(5, Math.max(1, Math.floor(held / 400)));
    const slot = room / count;
    for (let e = 0; e < count; e++) {
      const spike = e % 2 === 0;
      const len = spike ? 1 : 30;
      const start = s.trainEnd + EDGE + Math.floor(e * slot + rng.uniform(0, Math.max(1, slot - len - LAG)));
      const sign = rng.next() < 0.5 ? -1 : 1;
      const size = (spike ? 10 : 6) * sigma * sign;
      for (let i = start; i < Math.min(values.length, start + len); i++) values[i] += size;
      events.push([start, Math.min(values.length, start + len)]);
    }
    return { ...s, values, events };
  });
}

/** Scores the injected series with `model` and counts events, detections and false alarms. */
export async function evaluateModel(model: ScoringModel, set: readonly InjectedSeries[], between?: () => void): Promise<EvalResult> {
  let events = 0;
  let detected = 0;
  let falseAlarms = 0;
  let points = 0;
  let nonFinite = 0;
  const thr = model.threshold;
  // one series at a time: bounded memory, and a pacer between calls (see job.ts) can slice the work
  for (const s of set) {
    between?.();
    const [scores] = await model.scoreSeries([s.values], [s.timestamps]);
    const inEvent = new Int32Array(scores.length).fill(-1);
    s.events.forEach(([a, b], e) => {
      for (let i = a; i < Math.min(scores.length, b + LAG); i++) inEvent[i] = e;
    });
    const hit = new Uint8Array(s.events.length);
    for (let i = s.trainEnd; i < scores.length; i++) {
      const x = scores[i];
      if (!Number.isFinite(x)) {
        nonFinite++;
        continue;
      }
      points++;
      const above = x >= thr;
      const onset = above && !(i > 0 && scores[i - 1] >= thr);
      const e = inEvent[i];
      if (e >= 0 && above) hit[e] = 1;
      else if (e < 0 && onset) falseAlarms++;
    }
    events += s.events.length;
    for (const h of hit) detected += h;
  }
  const precision = detected + falseAlarms > 0 ? detected / (detected + falseAlarms) : 0;
  const recall = events > 0 ? detected / events : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return {
    f1: round(f1),
    precision: round(precision),
    recall: round(recall),
    false_alarms_per_1k: round(points ? (1000 * falseAlarms) / points : 0),
    events,
    detected,
    false_alarms: falseAlarms,
    points,
    non_finite: nonFinite,
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** The verdict on a candidate. */
export interface Verdict {
  outcome: "better" | "not_better" | "refused";
  reason: string;
}

/**
 * Applies the rule of this module: refused with any non-finite score; better only with F1 ≥ the
 * current's + `margin` and no more false alarms than max(1.25 ×, + 0.2 per 1000 samples).
 */
export function compareResults(candidate: EvalResult, current: EvalResult, margin: number): Verdict {
  if (candidate.non_finite > 0) return { outcome: "refused", reason: `candidate gave ${candidate.non_finite} non-finite scores on held-back history` };
  if (candidate.events < MIN_EVENTS)
    return { outcome: "not_better", reason: `${candidate.events} injected events in the held-back history, fewer than the ${MIN_EVENTS} needed to judge on` };
  const farLimit = Math.max(1.25 * current.false_alarms_per_1k, current.false_alarms_per_1k + 0.2);
  if (candidate.false_alarms_per_1k > farLimit)
    return {
      outcome: "not_better",
      reason: `false alarms ${candidate.false_alarms_per_1k}/1k samples above the limit ${round(farLimit)} (current ${current.false_alarms_per_1k})`,
    };
  if (candidate.f1 < current.f1 + margin) return { outcome: "not_better", reason: `event F1 ${candidate.f1} not above current ${current.f1} + ${margin}` };
  return {
    outcome: "better",
    reason: `event F1 ${candidate.f1} vs ${current.f1}, false alarms ${candidate.false_alarms_per_1k} vs ${current.false_alarms_per_1k} per 1k`,
  };
}
