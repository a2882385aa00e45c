/**
 * Labelled anomaly windows: from the dataset metadata when it has records for a series,
 * otherwise derived from contiguous runs of `label = 1` (type `"unknown"`).
 */
import type { AnomalyRecord } from "../../data/types.ts";

/** An inclusive index range `[start, end]` of one labelled anomaly. */
export interface LabelledWindow {
  start: number;
  end: number;
  /** An `AnomalyType`, or `"unknown"` for windows derived from labels. */
  type: string;
}

/** Type given to windows derived from labels. */
export const UNKNOWN_TYPE = "unknown";

/**
 * Contiguous runs of `labels[i] === 1` as windows of type `"unknown"`.
 * @example windowsFromLabels(Uint8Array.of(0, 1, 1, 0, 1)) // [{start:1,end:2,…},{start:4,end:4,…}]
 */
export function windowsFromLabels(labels: Uint8Array): LabelledWindow[] {
  const out: LabelledWindow[] = [];
  let start = -1;
  for (let i = 0; i <= labels.length; i++) {
    const on = i < labels.length && labels[i] === 1;
    if (on && start < 0) start = i;
    else if (!on && start >= 0) {
      out.push({ start, end: i - 1, type: UNKNOWN_TYPE });
      start = -1;
    }
  }
  return out;
}

/** Group anomaly records by series name, keeping their order. */
export function groupBySeries(anomalies: readonly AnomalyRecord[]): Map<string, AnomalyRecord[]> {
  const bySeries = new Map<string, AnomalyRecord[]>();
  for (const a of anomalies) {
    const list = bySeries.get(a.series);
    if (list) list.push(a);
    else bySeries.set(a.series, [a]);
  }
  return bySeries;
}

/**
 * Windows of one series of length `n`: its metadata records (clamped to `[0, n-1]`, empty
 * ranges dropped) when there are any, else the label runs.
 */
export function labelledWindows(labels: Uint8Array, records: readonly AnomalyRecord[] | undefined): LabelledWindow[] {
  if (!records || records.length === 0) return windowsFromLabels(labels);
  const n = labels.length;
  const out: LabelledWindow[] = [];
  for (const r of records) {
    const start = Math.max(0, Math.floor(r.startIndex));
    const end = Math.min(n - 1, Math.floor(r.endIndex));
    if (end >= start) out.push({ start, end, type: r.type });
  }
  return out;
}
