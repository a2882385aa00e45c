/** Number formatting and the metric columns shared by the terminal table and the HTML report. */
import type { EvalResult } from "./types.ts";

/** One model's row in a comparison. */
export interface ComparisonRow {
  model: string;
  result: EvalResult;
  /** Training time in seconds, when known. */
  fitSeconds?: number;
  /** Scoring throughput in windows per second, when known. */
  throughput?: number;
}

/** A metric column: header and how to render it for a row. */
export interface MetricColumn {
  header: string;
  cell: (row: ComparisonRow) => string;
}

/**
 * Fixed-decimal number, `-` for null/undefined/non-finite.
 * @example fmt(0.12345) // "0.123"
 */
export function fmt(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits);
}

/** Mean time to detect as `"<points> pts / <seconds>s"`, `-` when nothing was detected. */
export function fmtTtd(r: EvalResult): string {
  if (r.mean_time_to_detect_points === null) return "-";
  return `${fmt(r.mean_time_to_detect_points, 1)} pts / ${fmt(r.mean_time_to_detect_seconds, 0)}s`;
}

/** Compact throughput: `12.3k`, `4.5M`, `870`. */
export function fmtRate(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return "-";
  if (x >= 1e6) return `${(x / 1e6).toFixed(1)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

/** Per-type recall cell: `0.833 (5/6)`, `-` when the type is absent. */
export function fmtTypeRecall(r: EvalResult, type: string): string {
  const t = r.recall_by_type[type];
  return t ? `${fmt(t.recall)} (${t.detected}/${t.count})` : "-";
}

/**
 * The metric columns of a comparison; `fit s` and `windows/s` only when some row has them.
 */
export function metricColumns(rows: readonly ComparisonRow[]): MetricColumn[] {
  const cols: MetricColumn[] = [
    { header: "F1", cell: (r) => fmt(r.result.f1) },
    { header: "event-F1", cell: (r) => fmt(r.result.event_f1) },
    { header: "precision", cell: (r) => fmt(r.result.precision) },
    { header: "recall", cell: (r) => fmt(r.result.recall) },
    { header: "PR-AUC", cell: (r) => fmt(r.result.pr_auc) },
    { header: "ROC-AUC", cell: (r) => fmt(r.result.roc_auc) },
    { header: "TTD", cell: (r) => fmtTtd(r.result) },
    { header: "FP/1k", cell: (r) => fmt(r.result.fp_per_1k, 2) },
  ];
  if (rows.some((r) => r.fitSeconds !== undefined)) {
    cols.push({ header: "fit s", cell: (r) => fmt(r.fitSeconds, 1) });
  }
  if (rows.some((r) => r.throughput !== undefined)) {
    cols.push({ header: "windows/s", cell: (r) => fmtRate(r.throughput) });
  }
  return cols;
}
