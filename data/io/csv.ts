/**
 * CSV series reader: `timestamp,value` or `timestamp,value,label` (header required).
 *
 * Timestamps: ISO 8601 (with `T` or a space, with or without `Z`, as written by the Numenta
 * Anomaly Benchmark) or epoch seconds / milliseconds. An empty value is a gap (NaN).
 */
import { parseTimestamp } from "../time.ts";
import type { Series } from "../types.ts";
import { DataError, quote } from "./errors.ts";
import { readText, seriesName } from "./file.ts";
import { checkLabel, parseValue, SeriesBuilder } from "./rows.ts";

/**
 * Parse CSV text into a series; `file` is used in error messages and for the series name.
 *
 * @example
 * parseSeriesCsv("timestamp,value\n2014-04-01 00:00:00,1.5\n", "nab.csv").values; // Float64Array [1.5]
 */
export function parseSeriesCsv(text: string, file: string): Series {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") throw new DataError(file, "empty file");
  const lines = text.split("\n");
  const header = lines[0].replace(/\r$/, "").trim();
  const cols = header.toLowerCase().split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
  const hasLabel = cols.length === 3 && cols[2] === "label";
  if (cols[0] !== "timestamp" || cols[1] !== "value" || !(cols.length === 2 || hasLabel)) {
    throw new DataError(file, `bad header ${quote(header)}: expected "timestamp,value" or "timestamp,value,label"`, 1);
  }
  const ncol = cols.length;
  const out = new SeriesBuilder(file, lines.length, hasLabel);
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i];
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.trim() === "") continue;
    const lineNo = i + 1;
    const f = line.split(",");
    if (f.length !== ncol) {
      throw new DataError(file, `wrong column count: expected ${ncol}, got ${f.length} in ${quote(line)}`, lineNo);
    }
    let t = parseTimestamp(f[0]);
    if (Number.isNaN(t)) t = parseTimestamp(f[0].trim());
    if (Number.isNaN(t)) throw new DataError(file, `unparseable timestamp ${quote(f[0])}`, lineNo);
    const v = parseValue(f[1], file, lineNo);
    out.push(t, v, hasLabel ? checkLabel(f[2].trim(), file, lineNo) : 0, lineNo);
  }
  return out.finish(seriesName(file));
}

/**
 * Read a CSV series file.
 *
 * @example
 * const s = await readSeriesCsv("data/nab/nyc_taxi.csv");
 */
export async function readSeriesCsv(path: string): Promise<Series> {
  return parseSeriesCsv(await readText(path), path);
}
