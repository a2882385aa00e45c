import { formatIso } from "../data/time.ts";
import { MISSING_SCORE } from "./model.ts";

/**
 * Formats scored points as CSV `timestamp,value,anomaly_score,is_anomaly` (the output of
 * `agent score`). A missing value is an empty field; scores get 6 decimals; a non-finite score
 * is written as 1 (flagged), like a gap.
 */
export function formatScoresCsv(timestamps: Float64Array, values: Float64Array, scores: Float32Array, threshold: number): string {
  const lines = new Array<string>(timestamps.length + 1);
  lines[0] = "timestamp,value,anomaly_score,is_anomaly";
  for (let i = 0; i < timestamps.length; i++) {
    const v = values[i];
    // A score the model could not compute (NaN, ±∞) is written as 1, flagged: never "NaN" in the CSV.
    const s = Number.isFinite(scores[i]) ? scores[i] : MISSING_SCORE;
    lines[i + 1] = `${formatIso(timestamps[i])},${Number.isFinite(v) ? v : ""},${s.toFixed(6)},${s >= threshold ? 1 : 0}`;
  }
  return lines.join("\n") + "\n";
}
