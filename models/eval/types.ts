/**
 * Input and output types of the evaluation metrics (`agent eval`).
 *
 * Inputs are column-wise typed arrays (no per-point objects) so that 1.5M points pool cheaply.
 * {@link EvalResult} is plain JSON with snake_case keys: it is written as-is to `eval.json`.
 */

/** One scored series: the ground truth plus one model's scores. */
export interface SeriesEval {
  /** Series name; matched against `AnomalyRecord.series`. */
  name: string;
  /** Milliseconds since the Unix epoch, one per point. */
  timestamps: Float64Array;
  /** Sample values; `NaN` marks a missing sample. */
  values: Float64Array;
  /** Ground truth: 1 inside a labelled anomaly window, else 0. */
  labels: Uint8Array;
  /** Calibrated score in [0, 1]; `NaN` = not scored (e.g. warm-up), treated as 0. */
  scores: Float32Array;
  /** A point is flagged when `score >= threshold`. */
  threshold: number;
}

/** Options for {@link import("./evaluate.ts").evaluate}. */
export interface EvalOptions {
  /** Flagged runs separated by fewer than this many unflagged points merge into one event. */
  mergeGap?: number;
}

/** Default options for `evaluate`. */
export const EVAL_DEFAULTS: Required<EvalOptions> = { mergeGap: 5 };

/** Event recall for one anomaly type. */
export interface TypeRecall {
  /** `detected / count`. */
  recall: number;
  /** Labelled windows of this type with at least one flagged point. */
  detected: number;
  /** Labelled windows of this type. */
  count: number;
}

/** Sizes behind the metrics, pooled over all series. */
export interface EvalCounts {
  series: number;
  points: number;
  anomalous_points: number;
  normal_points: number;
  flagged_points: number;
  /** Labelled anomaly windows. */
  windows: number;
  /** Labelled windows with at least one flagged point. */
  detected_windows: number;
  /** Predicted events after merging. */
  predicted_events: number;
  /** Predicted events overlapping a labelled window. */
  matched_events: number;
}

/**
 * Metrics pooled over every series. Ratios with an empty denominator are 0; metrics that are
 * undefined for the data (AUC with a single class, time to detect with nothing detected) are `null`.
 */
export interface EvalResult {
  precision: number;
  recall: number;
  f1: number;
  event_precision: number;
  event_recall: number;
  event_f1: number;
  /** Average precision (step-wise area under the precision-recall curve). */
  pr_auc: number | null;
  /** Area under the ROC curve (Mann-Whitney, ties count one half). */
  roc_auc: number | null;
  /** Mean of (first flagged index − window start) over detected windows. */
  mean_time_to_detect_points: number | null;
  /** Same delay in seconds, from the timestamps. */
  mean_time_to_detect_seconds: number | null;
  /** Flagged normal points per 1000 normal points. */
  fp_per_1k: number;
  /** Event recall per anomaly type (only types that occur), keyed by type. */
  recall_by_type: Record<string, TypeRecall>;
  counts: EvalCounts;
  /** The merge gap used for predicted events. */
  merge_gap: number;
}
