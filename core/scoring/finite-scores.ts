/**
 * Scores leaving the runtime are always finite: a NaN or ±∞ from a model fails that one series'
 * point, which is flagged with {@link NON_FINITE_SCORE} and counted, never shipped as null.
 */
import type { Telemetry } from "../telemetry/metrics.ts";

/** Score given to a series whose model score is not finite: flagged, as a gap is. */
export const NON_FINITE_SCORE = 1;

/** How many of `scores` are NaN or ±∞. */
export function countNonFinite(scores: Float32Array): number {
  let n = 0;
  for (let i = 0; i < scores.length; i++) if (!Number.isFinite(scores[i])) n++;
  return n;
}

/**
 * `scores` with every non-finite one replaced by {@link NON_FINITE_SCORE}, counted as
 * `agent_component_errors_total{component="scorer",error_type="non_finite_score"}`.
 *
 * @example
 * finiteScores(Float32Array.of(0.1, NaN), telemetry); // [0.1, 1], one error counted
 */
export function finiteScores(scores: Float32Array, telemetry: Pick<Telemetry, "error">): Float32Array {
  const bad = countNonFinite(scores);
  if (bad === 0) return scores;
  telemetry.error("scorer", "non_finite_score", bad);
  return scores.map((x) => (Number.isFinite(x) ? x : NON_FINITE_SCORE));
}
