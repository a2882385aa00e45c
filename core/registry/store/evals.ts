import type { Database } from "bun:sqlite";
import type { EvalMetrics, EvalSetInfo, Evaluation, GateInfo } from "../../../models/registry-protocol/evaluation.ts";
import type { Channel } from "../../../models/registry-protocol/protocol.ts";

/** A stored evaluation set: its summary and its files (dataset path → text). */
export interface StoredEvalSet {
  info: EvalSetInfo;
  files: Record<string, string>;
}

interface EvalRow {
  model: string;
  version: string;
  set_digest: string;
  status: Evaluation["status"];
  result: string | null;
  error: string | null;
  duration_ms: number | null;
  peak_rss_mb: number | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const toEvaluation = (r: EvalRow): Evaluation => ({ ...r, result: r.result ? (JSON.parse(r.result) as EvalMetrics) : null });

/**
 * Evaluation sets (one per model), evaluations of versions on them, and channel gates, in SQLite.
 *
 * @example
 * evals.setEvalSet("host-ae", info, files);
 * evals.queue("host-ae", "8", info.digest, now);
 */
export class EvalStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Replaces a model's evaluation set. */
  setEvalSet(info: EvalSetInfo, files: Record<string, string>): void {
    const { model, digest, bytes, uploaded_at, uploaded_by, ...summary } = info;
    this.db.transaction(() => {
      this.db
        .query(
          `INSERT INTO eval_sets (model, digest, bytes, summary, uploaded_at, uploaded_by) VALUES ($model, $digest, $bytes, $summary, $uploaded_at, $uploaded_by)
           ON CONFLICT (model) DO UPDATE SET digest = $digest, bytes = $bytes, summary = $summary, uploaded_at = $uploaded_at, uploaded_by = $uploaded_by`,
        )
        .run({ model, digest, bytes, summary: JSON.stringify(summary), uploaded_at, uploaded_by });
      this.db.query("DELETE FROM eval_set_files WHERE model = $model").run({ model });
      const put = this.db.query("INSERT INTO eval_set_files (model, path, text) VALUES ($model, $path, $text)");
      for (const [path, text] of Object.entries(files)) put.run({ model, path, text });
    })();
  }

  /** A model's evaluation set summary, or undefined. */
  evalSetInfo(model: string): EvalSetInfo | undefined {
    const r = this.db.query("SELECT model, digest, bytes, summary, uploaded_at, uploaded_by FROM eval_sets WHERE model = $model").get({ model }) as {
      model: string;
      digest: string;
      bytes: number;
      summary: string;
      uploaded_at: string;
      uploaded_by: string;
    } | null;
    if (!r) return undefined;
    const { summary, ...rest } = r;
    return { ...rest, ...(JSON.parse(summary) as Omit<EvalSetInfo, "model" | "digest" | "bytes" | "uploaded_at" | "uploaded_by">) };
  }

  /** A model's evaluation set with its files, or undefined. */
  evalSet(model: string): StoredEvalSet | undefined {
    const info = this.evalSetInfo(model);
    if (!info) return undefined;
    const rows = this.db.query("SELECT path, text FROM eval_set_files WHERE model = $model").all({ model }) as { path: string; text: string }[];
    return { info, files: Object.fromEntries(rows.map((r) => [r.path, r.text])) };
  }

  /** The evaluation of `model@version` on the set `digest`, or undefined. */
  get(model: string, version: string, digest: string): Evaluation | undefined {
    const r = this.db
      .query("SELECT * FROM evaluations WHERE model = $model AND version = $version AND set_digest = $digest")
      .get({ model, version, digest }) as EvalRow | null;
    return r ? toEvaluation(r) : undefined;
  }

  /** Every evaluation of `model@version`, newest first. */
  list(model: string, version: string): Evaluation[] {
    return (
      this.db.query("SELECT * FROM evaluations WHERE model = $model AND version = $version ORDER BY queued_at DESC").all({ model, version }) as EvalRow[]
    ).map(toEvaluation);
  }

  /** Records a queued evaluation (again, when `force`: a failed one is retried). Returns false when one exists already. */
  queue(model: string, version: string, digest: string, force = false): boolean {
    const prev = this.get(model, version, digest);
    if (prev && !(force && (prev.status === "failed" || prev.status === "done"))) return false;
    this.db
      .query(
        `INSERT INTO evaluations (model, version, set_digest, status, queued_at) VALUES ($model, $version, $digest, 'queued', $at)
         ON CONFLICT (model, version, set_digest) DO UPDATE SET status = 'queued', result = NULL, error = NULL, duration_ms = NULL, peak_rss_mb = NULL,
         queued_at = $at, started_at = NULL, finished_at = NULL`,
      )
      .run({ model, version, digest, at: this.iso() });
    return true;
  }

  /** Marks an evaluation running. */
  started(model: string, version: string, digest: string): void {
    this.db
      .query("UPDATE evaluations SET status = 'running', started_at = $at WHERE model = $model AND version = $version AND set_digest = $digest")
      .run({ model, version, digest, at: this.iso() });
  }

  /** Stores an evaluation's outcome. */
  finished(model: string, version: string, digest: string, o: { result?: EvalMetrics; error?: string; durationMs: number; peakRssMb: number | null }): void {
    this.db
      .query(
        `UPDATE evaluations SET status = $status, result = $result, error = $error, duration_ms = $duration, peak_rss_mb = $rss, finished_at = $at
         WHERE model = $model AND version = $version AND set_digest = $digest`,
      )
      .run({
        model,
        version,
        digest,
        status: o.result ? "done" : "failed",
        result: o.result ? JSON.stringify(o.result) : null,
        error: o.error ?? null,
        duration: Math.round(o.durationMs),
        rss: o.peakRssMb,
        at: this.iso(),
      });
  }

  /** Evaluations left queued or running (a restarted registry runs them again). */
  unfinished(): { model: string; version: string; set_digest: string }[] {
    return this.db.query("SELECT model, version, set_digest FROM evaluations WHERE status IN ('queued', 'running') ORDER BY queued_at").all() as {
      model: string;
      version: string;
      set_digest: string;
    }[];
  }

  /** Sets (or, with `undefined`, removes) a channel's gate. */
  setGate(model: string, channel: Channel, gate: { metric: string; tolerance: number; by: string } | undefined): void {
    if (!gate) {
      this.db.query("DELETE FROM channel_gates WHERE model = $model AND channel = $channel").run({ model, channel });
      return;
    }
    this.db
      .query(
        `INSERT INTO channel_gates (model, channel, metric, tolerance, set_at, set_by) VALUES ($model, $channel, $metric, $tolerance, $at, $by)
         ON CONFLICT (model, channel) DO UPDATE SET metric = $metric, tolerance = $tolerance, set_at = $at, set_by = $by`,
      )
      .run({ model, channel, metric: gate.metric, tolerance: gate.tolerance, at: this.iso(), by: gate.by });
  }

  /** A channel's gate, or undefined. */
  gate(model: string, channel: Channel): GateInfo | undefined {
    return (this.db.query("SELECT * FROM channel_gates WHERE model = $model AND channel = $channel").get({ model, channel }) as GateInfo | null) ?? undefined;
  }
}
