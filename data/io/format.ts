/**
 * Text encodings of one series: CSV (`timestamp,value[,label]`) and JSONL.
 */
import { formatIsoAll } from "../time.ts";
import type { Series } from "../types.ts";

/**
 * Format a value with at most 4 decimals, shortest form, deterministic; NaN becomes "".
 *
 * @example
 * formatValue(1.23456); // "1.2346"
 * formatValue(NaN);     // ""
 */
export function formatValue(v: number): string {
  if (v !== v) return "";
  const r = Math.round(v * 10000) / 10000;
  return r === 0 ? "0" : String(r);
}

/**
 * Encode a series as CSV. `iso` may pass pre-formatted timestamps (shared by many series).
 * The label column is written only when the series has labels.
 *
 * @example
 * formatSeriesCsv(series); // "timestamp,value,label\n2026-01-01T00:00:00Z,12.5,0\n..."
 */
export function formatSeriesCsv(series: Series, iso: string[] = formatIsoAll(series.timestamps)): string {
  const { values, labels } = series;
  const n = values.length;
  const rows = new Array<string>(n + 2);
  rows[0] = labels ? "timestamp,value,label" : "timestamp,value";
  if (labels) for (let i = 0; i < n; i++) rows[i + 1] = iso[i] + "," + formatValue(values[i]) + "," + labels[i];
  else for (let i = 0; i < n; i++) rows[i + 1] = iso[i] + "," + formatValue(values[i]);
  rows[n + 1] = "";
  return rows.join("\n");
}

/**
 * Encode a series as JSONL: `{"timestamp":"…","value":1.23|null,"label":0}` per line (no
 * `label` key when the series has no labels).
 *
 * @example
 * formatSeriesJsonl(series).split("\n")[0]; // '{"timestamp":"2026-01-01T00:00:00Z","value":12.5,"label":0}'
 */
export function formatSeriesJsonl(series: Series, iso: string[] = formatIsoAll(series.timestamps)): string {
  const { values, labels } = series;
  const n = values.length;
  const rows = new Array<string>(n + 1);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const head = '{"timestamp":"' + iso[i] + '","value":' + (v !== v ? "null" : formatValue(v));
    rows[i] = labels ? head + ',"label":' + labels[i] + "}" : head + "}";
  }
  rows[n] = "";
  return rows.join("\n");
}
