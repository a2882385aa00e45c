/**
 * `agent train --tune`: a small seeded search over window, hidden size, epochs and learning
 * rate. Each trial trains on the training series and is scored by event-F1 on held-out
 * validation series (labelled); the bundle keeps the best trial's model, and the manifest's
 * `training.tune` records every trial.
 */
import type { Dataset } from "../../data/types.ts";
import { createRng } from "../../data/random.ts";
import type { DetectorKind } from "../detector.ts";
import { evaluate } from "../eval/index.ts";
import type { TuneRecordSchema } from "../format/manifest.ts";
import { trainModel, type TrainedModel, type TrainOptions } from "../train.ts";
import { chooseTrials, type TrialParams } from "./space.ts";
import type { z } from "zod";

/** Default number of trials. */
export const DEFAULT_TUNE_TRIALS = 8;
/** Most trials accepted. */
export const MAX_TUNE_TRIALS = 64;

/** Thrown when the data cannot be tuned on (no labels, too few series or anomalies). */
export class TuneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TuneError";
  }
}

/** One finished trial. */
export interface TrialResult extends TrialParams {
  /** Validation event-F1. */
  value: number;
  seconds: number;
}

/** Options of {@link tuneModel}: those of `trainModel` plus the search's. */
export interface TuneOptions extends Omit<TrainOptions, "onProgress" | "size" | "learningRate"> {
  kind: DetectorKind;
  /** Trials to run (default {@link DEFAULT_TUNE_TRIALS}; fewer when the kind's space is smaller). */
  trials?: number;
  /** Share of the series held out for validation (default 0.25; at least 1 series each side). */
  validationShare?: number;
  /** Progress over the whole search in [0, 1]. */
  onProgress?: (fraction: number, status: string) => void;
  /** Called after each trial (to print its row). */
  onTrial?: (index: number, result: TrialResult) => void;
}

/** The search's outcome: the best trial's model (manifest with `training.tune`) and every trial. */
export interface TuneResult {
  best: TrainedModel;
  bestIndex: number;
  trials: TrialResult[];
  validationSeries: number;
}

/**
 * Splits `dataset` by series (seeded): `validationShare` of the series with labels are held out.
 * Throws {@link TuneError} when the data are unlabelled or the validation part has no anomaly.
 */
export function splitSeries(dataset: Dataset, share: number, seed: number): { train: Dataset; validation: Dataset } {
  const labelled = dataset.series.filter((s) => s.labels);
  if (labelled.length < dataset.series.length) {
    throw new TuneError(
      `--tune needs labelled series (validation by event-F1): ${dataset.series.length - labelled.length} of ${dataset.series.length} have no labels`,
    );
  }
  if (dataset.series.length < 2) throw new TuneError(`--tune needs at least 2 series (1 to train, 1 to validate), got ${dataset.series.length}`);
  const order = dataset.series.map((_, i) => i);
  const rng = createRng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nVal = Math.min(dataset.series.length - 1, Math.max(1, Math.round(dataset.series.length * share)));
  const valSet = new Set(order.slice(0, nVal));
  const pick = (keep: boolean): Dataset => {
    const series = dataset.series.filter((_, i) => valSet.has(i) === keep);
    const names = new Set(series.map((s) => s.name));
    return { ...dataset, series, anomalies: dataset.anomalies.filter((a) => names.has(a.series)) };
  };
  const validation = pick(true);
  if (!validation.series.some((s) => s.labels!.some((l) => l === 1))) {
    throw new TuneError(`--tune: the ${nVal} validation series hold no labelled anomaly; give more series or more anomalies`);
  }
  return { train: pick(false), validation };
}

/** Runs the search and returns the best trial's model (the others are disposed). */
export async function tuneModel(dataset: Dataset, options: TuneOptions): Promise<TuneResult> {
  const seed = options.seed ?? 1;
  const count = options.trials ?? DEFAULT_TUNE_TRIALS;
  if (!Number.isInteger(count) || count < 1 || count > MAX_TUNE_TRIALS)
    throw new TuneError(`--tune-trials must be an integer in 1..${MAX_TUNE_TRIALS}, got ${count}`);
  const { train, validation } = splitSeries(dataset, options.validationShare ?? 0.25, seed);
  const points = chooseTrials(options.kind, count, seed, { window: options.window ?? 32, epochs: options.epochs });
  const results: TrialResult[] = [];
  let best: TrainedModel | undefined;
  let bestIndex = -1;
  for (const [i, p] of points.entries()) {
    const started = performance.now();
    const status = (s: string) => `trial ${i + 1}/${points.length}: ${s}`;
    const trained = await trainModel(train, {
      ...options,
      window: p.window,
      size: p.size,
      epochs: p.epochs,
      learningRate: p.learningRate,
      onProgress: (f, s) => options.onProgress?.((i + 0.9 * f) / points.length, status(s)),
    });
    options.onProgress?.((i + 0.9) / points.length, status("validating"));
    const scores = await trained.model.scoreSeries(validation.series.map((s) => s.values));
    const metrics = evaluate(
      validation.series.map((s, k) => ({ ...s, labels: s.labels!, scores: scores[k], threshold: trained.model.threshold })),
      validation.anomalies,
    );
    const result: TrialResult = { ...p, value: metrics.event_f1, seconds: (performance.now() - started) / 1000 };
    results.push(result);
    options.onTrial?.(i, result);
    if (!best || result.value > results[bestIndex].value) {
      best?.model.dispose();
      best = trained;
      bestIndex = i;
    } else trained.model.dispose();
    options.onProgress?.((i + 1) / points.length, status(`event-F1 ${result.value.toFixed(3)}`));
  }
  const record: z.infer<typeof TuneRecordSchema> = {
    metric: "event_f1",
    validation: `${validation.series.length} held-out series of ${dataset.series.length}`,
    trials: results.map((r) => ({
      window: r.window,
      size: r.size,
      epochs: r.epochs,
      learning_rate: r.learningRate,
      value: r.value,
      seconds: Math.round(r.seconds * 1000) / 1000,
    })),
    best: bestIndex,
  };
  best!.manifest.training.tune = record;
  best!.manifest.training.series = train.series.length;
  return { best: best!, bestIndex, trials: results, validationSeries: validation.series.length };
}

/** The trials as a plain-text table (trial, params, validation event-F1, seconds), the best marked with `*`. */
export function formatTrials(trials: readonly TrialResult[], bestIndex: number): string {
  const neural = trials.some((t) => t.epochs !== undefined);
  const head = ["trial", "window", "size", "epochs", "lr", "val event-F1", "seconds"];
  const rows = trials.map((t, i) => [
    `${i + 1}${i === bestIndex ? " *" : ""}`,
    String(t.window),
    t.size === undefined ? "default" : String(t.size),
    t.epochs === undefined ? "-" : String(t.epochs),
    t.learningRate === undefined ? (neural ? "default" : "-") : String(t.learningRate),
    t.value.toFixed(3),
    t.seconds.toFixed(1),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => v.padStart(widths[c])).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}
