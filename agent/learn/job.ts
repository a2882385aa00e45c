/**
 * One training run (what the worker does, `worker.ts`; callable in-process by scripts and tests):
 * read the history, pick up to `maxSeries` series (lowest hash of the key: a fixed sample, never
 * by name or category), train a candidate on the older part of each, write it as a bundle
 * (temp directory + rename: a crash leaves no half-written candidate under its name), and judge
 * it against the model in use on the held-back newest part (`evaluate.ts`).
 *
 * Learn targets: `series` (a model of one series at a time, scored on every series: this file).
 * A second target (e.g. a host model over the aligned metric vector) is another branch of
 * {@link runJob} with its own training and evaluation; the spec and result carry `target`.
 * @module
 */
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { readHistory, type SeriesHistory, type SkippedSegment } from "../../core/history/store.ts";
import type { Dataset } from "../../data/types.ts";
import type { DetectorKind } from "../../models/detector.ts";
import { loadModel } from "../../models/load.ts";
import type { ScoringModel } from "../../models/model.ts";
import { saveTrainedModel, trainModel } from "../../models/train.ts";
import { compareResults, evaluateModel, injectAnomalies, type EvalResult, type EvalSeries, type Verdict } from "./evaluate.ts";
import { Pacer } from "../../core/runtime/pace.ts";

/** What to learn. */
export type LearnTarget = "series";

/** What one run is asked to do (plain data: it crosses to the worker). */
export interface JobSpec {
  target: LearnTarget;
  /** `<data_dir>/history`. */
  historyDir: string;
  /** `<data_dir>/learn/candidates`: the candidate is written to `<candidatesDir>/<version>`. */
  candidatesDir: string;
  version: string;
  /** Reference of the model in use (`online:…` or a bundle directory): what the candidate must beat. */
  currentRef: string;
  kind: DetectorKind;
  epochs?: number;
  /** Series trained and judged on at most. */
  maxSeries: number;
  /** Newest samples per series read at most. */
  maxPointsPerSeries: number;
  /** Training windows at most. */
  maxRows: number;
  /** Share of each series held back for the evaluation (its newest part). */
  holdout: number;
  /** F1 gain the candidate needs. */
  margin: number;
  seed: number;
  /** Share of one core the run may use (duty cycle, see `core/runtime/pace.ts`). */
  budget: number;
  /** Least samples a series needs to be used (default {@link MIN_POINTS}). */
  minPoints?: number;
}

/** What a run found. */
export interface JobResult {
  target: LearnTarget;
  version: string;
  /** The candidate's bundle directory (only when it was trained, whatever the verdict). */
  dir: string | null;
  trained_at: string;
  history: { series: number; points: number; span_ms: number };
  candidate: EvalResult | null;
  current: EvalResult | null;
  verdict: Verdict;
  skipped: SkippedSegment[];
  /** Wall time of the run and the part of it spent working (not sleeping for the budget). */
  wall_ms: number;
  busy_ms: number;
}

/** What a run is doing (reported to `/status` while it runs). */
export type JobPhase = "reading" | "training" | "writing" | "evaluating";

/** Least samples a series needs to be trained and judged on (default). */
export const MIN_POINTS = 600;

function hash32(s: string): number {
  return Number(Bun.hash.wyhash(s) & 0xffffffffn);
}

/** The `maxSeries` keys of lowest hash among those with at least {@link MIN_POINTS} samples. */
async function pickSeries(spec: JobSpec, skipped: SkippedSegment[], pacer: Pacer): Promise<Map<string, SeriesHistory>> {
  const counts = new Map<string, number>();
  await readHistory(spec.historyDir, {
    keep: (k) => {
      counts.set(k, (counts.get(k) ?? 0) + 1);
      return false;
    },
    onSkip: (s) => skipped.push(s),
    onSegment: () => pacer.tick(),
  });
  const keys = [...counts.keys()].sort((a, b) => hash32(a) - hash32(b) || (a < b ? -1 : 1));
  const wanted = new Set(keys.slice(0, Math.max(spec.maxSeries * 4, 64)));
  const all = await readHistory(spec.historyDir, { keep: (k) => wanted.has(k), maxPointsPerSeries: spec.maxPointsPerSeries, onSegment: () => pacer.tick() });
  const out = new Map<string, SeriesHistory>();
  for (const k of keys) {
    const h = all.get(k);
    if (h && h.values.length >= (spec.minPoints ?? MIN_POINTS)) out.set(k, h);
    if (out.size >= spec.maxSeries) break;
  }
  return out;
}

/**
 * Runs one training job: never throws for a verdict (a refused or weaker candidate is a result);
 * throws only when it cannot run at all (unreadable history directory, disk full while writing).
 */
export async function runJob(spec: JobSpec, pacer = new Pacer(spec.budget), onPhase?: (phase: JobPhase) => void): Promise<JobResult> {
  const started = performance.now();
  onPhase?.("reading");
  const skipped: SkippedSegment[] = [];
  const picked = await pickSeries(spec, skipped, pacer);
  pacer.tick();
  let points = 0;
  let oldest = Number.POSITIVE_INFINITY;
  let newest = Number.NEGATIVE_INFINITY;
  const evalSet: EvalSeries[] = [];
  const train: Dataset = { series: [], anomalies: [] };
  for (const [key, h] of picked) {
    points += h.values.length;
    oldest = Math.min(oldest, h.ts[0]);
    newest = Math.max(newest, h.ts[h.ts.length - 1]);
    const values = Float64Array.from(h.values);
    const trainEnd = Math.floor(values.length * (1 - spec.holdout));
    evalSet.push({ values, timestamps: h.ts, trainEnd });
    train.series.push({ name: key, timestamps: h.ts.subarray(0, trainEnd), values: values.subarray(0, trainEnd) });
  }
  const base = {
    target: spec.target,
    version: spec.version,
    trained_at: new Date().toISOString(),
    history: { series: picked.size, points, span_ms: Number.isFinite(newest - oldest) ? newest - oldest : 0 },
    skipped,
  };
  const done = (r: Pick<JobResult, "dir" | "candidate" | "current" | "verdict">): JobResult => ({
    ...base,
    ...r,
    wall_ms: Math.round(performance.now() - started),
    busy_ms: Math.round(pacer.busyMs),
  });
  if (picked.size === 0)
    return done({
      dir: null,
      candidate: null,
      current: null,
      verdict: { outcome: "not_better", reason: `no series with ${MIN_POINTS} samples of history yet` },
    });
  let candidate: ScoringModel | undefined;
  let current: ScoringModel | undefined;
  try {
    let trained;
    onPhase?.("training");
    try {
      trained = await trainModel(train, {
        kind: spec.kind,
        epochs: spec.epochs,
        maxRows: spec.maxRows,
        seed: spec.seed,
        name: "learned",
        version: spec.version,
        datasetLabel: `host history: ${picked.size} series, ${points} samples`,
        onProgress: () => pacer.tick(),
      });
    } catch (e) {
      return done({ dir: null, candidate: null, current: null, verdict: { outcome: "not_better", reason: `training failed: ${(e as Error).message}` } });
    }
    candidate = trained.model;
    pacer.tick();
    onPhase?.("writing");
    const dir = join(spec.candidatesDir, spec.version);
    const tmp = `${dir}.tmp-${process.pid}`;
    await mkdir(spec.candidatesDir, { recursive: true });
    await rm(tmp, { recursive: true, force: true });
    await saveTrainedModel(tmp, trained);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    pacer.tick();
    onPhase?.("evaluating");
    const injected = injectAnomalies(evalSet, spec.seed);
    const cand = await evaluateModel(candidate, injected, () => pacer.tick());
    current = await loadModel(spec.currentRef);
    const cur = await evaluateModel(current, injected, () => pacer.tick());
    return done({ dir, candidate: cand, current: cur, verdict: compareResults(cand, cur, spec.margin) });
  } finally {
    candidate?.dispose();
    current?.dispose();
  }
}
