/**
 * Wire formats of eval-gated promotion: the labelled evaluation set a publisher uploads
 * (`PUT /v1/models/{name}/eval-set`), a channel's gate (`PUT …/channels/{channel}/gate`) and a
 * version's evaluation as the registry stores and shows it.
 */
import { z } from "zod";

/** `format` of the evaluation-set upload. */
export const EVAL_SET_FORMAT = "agent-eval-set+json";

/**
 * A file of an evaluation set: `series/<name>.csv|jsonl` or `<name>.csv|jsonl` (the formats
 * `agent eval --data` reads, with a `label` column or `labels.json`), `labels.json`, `metadata.json`.
 */
export const EVAL_SET_PATH = /^(?:series\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.(?:csv|jsonl)$|^(?:labels|metadata)\.json$/;

/** Most files in one evaluation set. */
export const MAX_EVAL_SET_FILES = 1000;

/**
 * Body of `PUT /v1/models/{name}/eval-set`: every file as text under its dataset path.
 *
 * @example
 * { "format": "agent-eval-set+json", "files": { "series/cpu.csv": "timestamp,value,label\n…", "labels.json": "{…}" } }
 */
export const EvalSetUploadSchema = z
  .object({
    format: z.literal(EVAL_SET_FORMAT),
    files: z.record(z.string().max(200), z.string()).superRefine((f, ctx) => {
      const keys = Object.keys(f);
      if (keys.length < 1 || keys.length > MAX_EVAL_SET_FILES)
        ctx.addIssue({ code: "custom", message: `expected 1–${MAX_EVAL_SET_FILES} files, got ${keys.length}` });
      for (const k of keys.filter((k) => !EVAL_SET_PATH.test(k)).slice(0, 3))
        ctx.addIssue({ code: "custom", path: [k], message: "expected series/<name>.csv|jsonl, <name>.csv|jsonl, labels.json or metadata.json" });
    }),
  })
  .strict();
export type EvalSetUpload = z.infer<typeof EvalSetUploadSchema>;

/** What the registry knows of a model's evaluation set (`GET /v1/models/{name}/eval-set`). */
export interface EvalSetInfo {
  model: string;
  /** sha256 of the canonical JSON of the files: evaluations are compared on the same digest only. */
  digest: string;
  bytes: number;
  files: number;
  series: number;
  points: number;
  anomalous_points: number;
  uploaded_at: string;
  uploaded_by: string;
}

/** Metrics a gate may compare (all: higher is better). */
export const GATE_METRICS = ["event_f1", "f1", "pr_auc", "roc_auc", "event_precision", "event_recall", "precision", "recall"] as const;
export type GateMetric = (typeof GATE_METRICS)[number];

/** Body of `PUT /v1/models/{name}/channels/{channel}/gate`: require an evaluation no worse than stable's on `metric` (minus `tolerance`). */
export const GateSchema = z.object({ metric: z.enum(GATE_METRICS).default("event_f1"), tolerance: z.number().min(0).max(1).default(0) }).strict();
export type Gate = z.infer<typeof GateSchema>;

/** A channel's gate as stored. */
export interface GateInfo extends Gate {
  model: string;
  channel: string;
  set_at: string;
  set_by: string;
}

/** The metrics of `agent eval --json` the registry keeps. */
export const EvalMetricsSchema = z.object({
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  event_precision: z.number(),
  event_recall: z.number(),
  event_f1: z.number(),
  pr_auc: z.number().nullable(),
  roc_auc: z.number().nullable(),
  fp_per_1k: z.number(),
  mean_time_to_detect_seconds: z.number().nullable(),
  score_seconds: z.number(),
  points_per_second: z.number(),
  counts: z.object({ series: z.number(), points: z.number(), windows: z.number(), detected_windows: z.number() }),
});
export type EvalMetrics = z.infer<typeof EvalMetricsSchema>;

/** One version's evaluation on one evaluation set. */
export interface Evaluation {
  model: string;
  version: string;
  set_digest: string;
  status: "queued" | "running" | "done" | "failed";
  result: EvalMetrics | null;
  /** Why it failed (one line): the eval's error, a timeout or the memory bound. */
  error: string | null;
  duration_ms: number | null;
  peak_rss_mb: number | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
}
