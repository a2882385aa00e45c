/** Options and callback types of the {@link Scorer} (see `scorer.ts`). */
import type { ScoringModel } from "../../models/model.ts";
import type { Telemetry } from "../telemetry/metrics.ts";
import type { Clock } from "../runtime/clock.ts";
import type { HysteresisOptions } from "./hysteresis.ts";
import type { SeqAllocator } from "../runtime/seq.ts";
import type { DriftSettings } from "./drift.ts";

/** Options of {@link Scorer}. */
export interface ScorerOptions {
  agentId: string;
  hostName: string;
  seq: SeqAllocator;
  telemetry: Telemetry;
  /** Event thresholds; `open` defaults to the model's threshold, `close` to 0.8 × open. */
  hysteresis?: Partial<HysteresisOptions>;
  /** A series unseen for this long loses its state (counted as `series_stale`). */
  staleAfterMs?: number;
  /**
   * Called when the model throws or returns a non-finite score. Returning a model makes it the
   * current one (fresh series state) and scores the round again with it, so no point is lost;
   * returning undefined rethrows an exception (non-finite scores are kept as they are).
   */
  onModelFailure?: (failure: ModelFailure) => ScoringModel | undefined;
  /** Called after every scored round. */
  onRound?: (round: RoundInfo) => void;
  /** Time of `score` and `sweep` when they are not given one (default the real clock). */
  clock?: Clock;
  /** Input and score drift of every scored point (see `drift.ts`); none when absent or not enabled. */
  drift?: DriftSettings;
  /** A candidate model scoring the same points in the shadow (see `shadow.ts`); the records keep the live score. */
  shadow?: ScoringModel;
  /** A round starting to score more than this after its collection is not shadow-scored (default 1000 ms). */
  shadowLateMs?: number;
  /** Share of the series the shadow model scores (default 1: all; picked by a hash of the series key). */
  shadowShare?: number;
}

/** A model that failed while scoring a round. */
export interface ModelFailure {
  model: ScoringModel;
  kind: "exception" | "non_finite";
  error: Error;
  /** Rounds this model scored before this one. */
  roundsSinceSwap: number;
}

/** What one scored round looked like (for the updater's probation and heartbeats). */
export interface RoundInfo {
  model: ScoringModel;
  /** Rounds this model scored, this one included. */
  roundsSinceSwap: number;
  points: number;
  /** Points the model scored from a full window (not warm-up, not a gap): what probation counts. */
  scored: number;
  /** Points at or above the threshold. */
  flagged: number;
  latencyMs: number;
  /** Anomaly events opened in this round (alarms). */
  opened?: number;
  /** Series the scorer keeps state for after this round. */
  series?: number;
}

/** Options of {@link Scorer.swapModel}. */
export interface SwapOptions {
  /**
   * Keep every series' streaming state (window, noise scale, counter detection) and open
   * events: only when both models build identical features from it (same kind of state). A
   * function is asked with the model being replaced, at the moment of the swap.
   */
  keepState?: boolean | ((current: ScoringModel) => boolean);
}
