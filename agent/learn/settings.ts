/**
 * `model.learn` in runtime form (the config file's snake_case keys, durations in ms, sizes in
 * bytes): see `agent/config/learn-schema.ts` for the file side and the README for their meaning.
 * @module
 */
import type { DetectorKind } from "../../models/detector.ts";

/** Settings of on-host training. */
export interface LearnSettings {
  /** History needed before the first run (ms, by sample time). */
  afterMs: number;
  /** Time between runs (ms). */
  everyMs: number;
  /** Share of one core a run may use (duty cycle, at nice 19). */
  budget: number;
  /** Cap of `<data_dir>/history` (bytes). */
  historyMaxBytes: number;
  /** Series a run trains and judges on. */
  maxSeries: number;
  /** Newest samples per series a run reads. */
  maxPointsPerSeries: number;
  /** Training windows a run uses at most. */
  maxRows: number;
  kind: DetectorKind;
  epochs?: number;
  /** Share of each series held back for the evaluation. */
  holdout: number;
  /** Event-F1 gain a candidate needs. */
  margin: number;
  /** Rounds that scored windows a swapped-in model must pass. */
  probationRounds: number;
  /** Largest share of flagged points in probation (a model above it goes back). */
  maxFlagRate: number;
  /** How often the schedule is looked at (ms; default 60 s). */
  checkEveryMs?: number;
}

/** Defaults of {@link LearnSettings} (also the config file's). */
export const LEARN_DEFAULTS: LearnSettings = {
  afterMs: 24 * 3600_000,
  everyMs: 24 * 3600_000,
  budget: 0.25,
  historyMaxBytes: 256 << 20,
  maxSeries: 256,
  maxPointsPerSeries: 20_000,
  maxRows: 20_000,
  kind: "autoencoder",
  holdout: 0.2,
  margin: 0.02,
  probationRounds: 60,
  maxFlagRate: 0.05,
};
