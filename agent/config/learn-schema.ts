/**
 * Config schema of `model.learn:` — on-host training (agent/learn). snake_case as written in
 * YAML; {@link toLearnSettings} makes the runtime form. Absent: no history is kept, nothing is
 * trained (the default).
 */
import { z } from "zod";
import { ByteSize, Duration, durationMs, sizeBytes } from "../../core/config/fields.ts";
import { DETECTOR_KINDS } from "../../models/detector.ts";
import { LEARN_DEFAULTS, type LearnSettings } from "../learn/settings.ts";

/** Named defaults as written in YAML. */
export const LEARN_FILE_DEFAULTS = {
  after: "24h",
  every: "24h",
  budget: LEARN_DEFAULTS.budget,
  history_max_size: "256MiB",
  max_series: LEARN_DEFAULTS.maxSeries,
  kind: LEARN_DEFAULTS.kind,
  holdout: LEARN_DEFAULTS.holdout,
  margin: LEARN_DEFAULTS.margin,
  probation_rounds: LEARN_DEFAULTS.probationRounds,
  max_flag_rate: LEARN_DEFAULTS.maxFlagRate,
} as const;

/**
 * `model.learn:` — keep a bounded history of the agent's series under `<data_dir>/history/`,
 * train a candidate on it in a worker (first after `after` of history, then every `every`, within
 * `budget` of a core at nice 19) and swap it in only when it beats the model in use on held-back
 * history. With `model.registry`, candidates are trained and reported but never swapped in.
 *
 * @example
 * model:
 *   online: default
 *   learn: { after: 6h, every: 24h, budget: 0.25 }
 */
export const LearnSectionSchema = z
  .object({
    /** History (by sample time) needed before the first run. */
    after: Duration.default(LEARN_FILE_DEFAULTS.after),
    /** Time between runs. */
    every: Duration.default(LEARN_FILE_DEFAULTS.every),
    /** Share of one core a run may use (duty cycle on the worker thread, which also runs at nice 19). */
    budget: z.number().gt(0).lte(1).default(LEARN_FILE_DEFAULTS.budget),
    /** Cap of `<data_dir>/history` (8 bytes a sample; the oldest segments go first). */
    history_max_size: ByteSize.default(LEARN_FILE_DEFAULTS.history_max_size),
    /** Series a run trains and judges on (a fixed sample by hash of the series key). */
    max_series: z.number().int().min(1).max(10_000).default(LEARN_FILE_DEFAULTS.max_series),
    /** Detector kind of the candidate (`agent train --kind`). */
    kind: z.enum(DETECTOR_KINDS).default(LEARN_FILE_DEFAULTS.kind),
    /** Training epochs (default per kind). */
    epochs: z.number().int().min(1).max(1000).optional(),
    /** Share of each series' history (its newest part) held back to judge the candidate on. */
    holdout: z.number().gte(0.05).lte(0.5).default(LEARN_FILE_DEFAULTS.holdout),
    /** Event-F1 gain on held-back history a candidate needs to replace the model in use. */
    margin: z.number().gte(0).lte(1).default(LEARN_FILE_DEFAULTS.margin),
    /** Rounds that scored windows a swapped-in model must pass. */
    probation_rounds: z.number().int().min(1).max(100_000).default(LEARN_FILE_DEFAULTS.probation_rounds),
    /** Largest flagged share of points in probation; above it the previous model returns. */
    max_flag_rate: z.number().gt(0).lte(1).default(LEARN_FILE_DEFAULTS.max_flag_rate),
  })
  .strict();
export type LearnSectionFile = z.infer<typeof LearnSectionSchema>;

/** The runtime settings of a parsed `model.learn`. */
export function toLearnSettings(f: LearnSectionFile): LearnSettings {
  return {
    ...LEARN_DEFAULTS,
    afterMs: durationMs(f.after),
    everyMs: durationMs(f.every),
    budget: f.budget,
    historyMaxBytes: sizeBytes(f.history_max_size),
    maxSeries: f.max_series,
    kind: f.kind,
    ...(f.epochs !== undefined ? { epochs: f.epochs } : {}),
    holdout: f.holdout,
    margin: f.margin,
    probationRounds: f.probation_rounds,
    maxFlagRate: f.max_flag_rate,
  };
}
