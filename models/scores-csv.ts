import { formatIso } from "../data/time.ts";

/**
 * Formats scored points as CSV `timestamp,value,anomaly_score,is_anomaly` (the output of
 * `agent score`). A missing value is an empty field; scores get 6 decimals.
 */
export function formatScoresCsv(
  timestamps: Float64Array,
  values: Float64Array,
  scores: Float32Array,
  threshold: number,
): string {
  const lines = new Array<string>(timestamps.length + 1);
  lines[0] = "timestamp,value,anomaly_score,is_anomaly";
  for (let i = 0; i < timestamps.length; i++) {
    const v = values[i];
    const s = scores[i];
    lines[i + 1] = `${formatIso(timestamps[i])},${Number.isFinite(v) ? v : ""},${s.toFixed(6)},${s >= threshold ? 1 : 0}`;
  }
  return lines.join("\n") + "\n";
}
