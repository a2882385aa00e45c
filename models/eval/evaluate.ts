/**
 * `evaluate`: point-wise, event-wise and ranking metrics pooled over every series.
 */
import type { AnomalyRecord } from "../../data/types.ts";
import { predictedEvents } from "./events.ts";
import { rankingMetrics } from "./ranking.ts";
import { EVAL_DEFAULTS, type EvalOptions, type EvalResult, type SeriesEval, type TypeRecall } from "./types.ts";
import { groupBySeries, labelledWindows } from "./windows.ts";
import { typeOrder } from "./type-order.ts";

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);
const harmonic = (p: number, r: number): number => (p + r > 0 ? (2 * p * r) / (p + r) : 0);

/** Flags (`score >= threshold`, NaN scored as 0) of one series. */
export function flagPoints(scores: Float32Array, threshold: number): Uint8Array {
  const flags = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    flags[i] = (s === s ? s : 0) >= threshold ? 1 : 0;
  }
  return flags;
}

/**
 * Evaluate scored series against their labels and the dataset's anomaly metadata.
 * Windows come from `anomalies` for series that have records, else from label runs (`"unknown"`).
 * @example
 * const result = evaluate(series, dataset.anomalies, { mergeGap: 5 });
 * console.log(result.f1, result.event_f1, result.recall_by_type.spike);
 */
export function evaluate(series: readonly SeriesEval[], anomalies: readonly AnomalyRecord[], options: EvalOptions = {}): EvalResult {
  const mergeGap = options.mergeGap ?? EVAL_DEFAULTS.mergeGap;
  const bySeries = groupBySeries(anomalies);
  let points = 0;
  let nPos = 0;
  for (const s of series) {
    const n = s.labels.length;
    if (s.scores.length !== n || s.values.length !== n || s.timestamps.length !== n) {
      throw new RangeError(`series ${s.name}: labels, scores, values and timestamps differ in length`);
    }
    points += n;
    for (let i = 0; i < n; i++) nPos += s.labels[i] === 1 ? 1 : 0;
  }
  const posScores = new Float32Array(nPos);
  const negScores = new Float32Array(points - nPos);
  let ip = 0;
  let ineg = 0;
  let tp = 0;
  let fpPoints = 0;
  let windows = 0;
  let detected = 0;
  let events = 0;
  let matched = 0;
  let ttdPoints = 0;
  let ttdSeconds = 0;
  const byType = new Map<string, TypeRecall>();

  for (const s of series) {
    const n = s.labels.length;
    const flags = flagPoints(s.scores, s.threshold);
    for (let i = 0; i < n; i++) {
      const sc = s.scores[i];
      const v = sc === sc ? sc : 0;
      if (s.labels[i] === 1) {
        posScores[ip++] = v;
        tp += flags[i];
      } else {
        negScores[ineg++] = v;
        fpPoints += flags[i];
      }
    }
    const wins = labelledWindows(s.labels, bySeries.get(s.name));
    const cover = new Int32Array(n + 1); // prefix count of points inside any window
    const inside = new Uint8Array(n);
    for (const w of wins) {
      windows++;
      inside.fill(1, w.start, w.end + 1);
      let first = -1;
      for (let i = w.start; i <= w.end; i++) {
        if (flags[i] === 1) {
          first = i;
          break;
        }
      }
      const tr = byType.get(w.type) ?? { recall: 0, detected: 0, count: 0 };
      tr.count++;
      if (first >= 0) {
        detected++;
        tr.detected++;
        ttdPoints += first - w.start;
        ttdSeconds += (s.timestamps[first] - s.timestamps[w.start]) / 1000;
      }
      byType.set(w.type, tr);
    }
    for (let i = 0; i < n; i++) cover[i + 1] = cover[i] + inside[i];
    for (const e of predictedEvents(flags, mergeGap)) {
      events++;
      if (cover[e.end + 1] - cover[e.start] > 0) matched++;
    }
  }

  const flagged = tp + fpPoints;
  const precision = ratio(tp, flagged);
  const recall = ratio(tp, nPos);
  const eventPrecision = ratio(matched, events);
  const eventRecall = ratio(detected, windows);
  const { prAuc, rocAuc } = rankingMetrics(posScores, negScores);
  const recallByType: Record<string, TypeRecall> = {};
  for (const type of typeOrder(byType.keys())) {
    const tr = byType.get(type)!;
    recallByType[type] = { ...tr, recall: ratio(tr.detected, tr.count) };
  }
  return {
    precision,
    recall,
    f1: harmonic(precision, recall),
    event_precision: eventPrecision,
    event_recall: eventRecall,
    event_f1: harmonic(eventPrecision, eventRecall),
    pr_auc: prAuc,
    roc_auc: rocAuc,
    mean_time_to_detect_points: detected > 0 ? ttdPoints / detected : null,
    mean_time_to_detect_seconds: detected > 0 ? ttdSeconds / detected : null,
    fp_per_1k: ratio(fpPoints, points - nPos) * 1000,
    recall_by_type: recallByType,
    counts: {
      series: series.length,
      points,
      anomalous_points: nPos,
      normal_points: points - nPos,
      flagged_points: flagged,
      windows,
      detected_windows: detected,
      predicted_events: events,
      matched_events: matched,
    },
    merge_gap: mergeGap,
  };
}
