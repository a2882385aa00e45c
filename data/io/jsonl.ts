/**
 * JSONL series reader: one `{"timestamp": "…"|epoch, "value": number|null, "label"?: 0|1}`
 * object per line. The first record decides whether the series has labels.
 */
import { parseTimestamp } from "../time.ts";
import type { Series } from "../types.ts";
import { DataError, quote } from "./errors.ts";
import { readText, seriesName } from "./file.ts";
import { checkLabel, SeriesBuilder, type ReadOptions } from "./rows.ts";

function timestampOf(raw: unknown, file: string, line: number): number {
  if (raw === undefined) throw new DataError(file, 'missing "timestamp"', line);
  const t =
    typeof raw === "string" ? parseTimestamp(raw.trim()) : typeof raw === "number" && Number.isFinite(raw) && raw >= 0 ? parseTimestamp(String(raw)) : NaN;
  if (Number.isNaN(t)) throw new DataError(file, `unparseable timestamp ${quote(JSON.stringify(raw) ?? "")}`, line);
  return t;
}

function numberOf(raw: unknown, file: string, line: number): number {
  if (raw === null) return NaN;
  if (raw === undefined) throw new DataError(file, 'missing "value" (use null for a gap)', line);
  if (typeof raw === "number") {
    if (Number.isFinite(raw)) return raw;
    throw new DataError(file, "non-finite value", line);
  }
  if (typeof raw === "string" && /^\s*[+-]?(?:nan|inf|infinity)\s*$/i.test(raw)) {
    throw new DataError(file, `non-finite value ${quote(raw)}`, line);
  }
  throw new DataError(file, `non-numeric value ${quote(JSON.stringify(raw) ?? "")}: expected a number or null`, line);
}

/**
 * Parse JSONL text into a series; `file` is used in error messages and for the series name.
 *
 * @example
 * parseSeriesJsonl('{"timestamp":"2026-01-01T00:00:00Z","value":null,"label":1}\n', "a.jsonl").values; // [NaN]
 */
export function parseSeriesJsonl(text: string, file: string, options: ReadOptions = {}): Series {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") throw new DataError(file, "empty file");
  const lines = text.split("\n");
  let out: SeriesBuilder | undefined;
  let hasLabel = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    const lineNo = i + 1;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (err) {
      throw new DataError(file, `invalid JSON: ${(err as Error).message}`, lineNo);
    }
    if (typeof rec !== "object" || rec === null || Array.isArray(rec)) {
      throw new DataError(file, `expected a JSON object, got ${quote(line)}`, lineNo);
    }
    const r = rec as Record<string, unknown>;
    if (!out) {
      hasLabel = r.label !== undefined;
      out = new SeriesBuilder(file, lines.length, hasLabel, options);
    }
    let t: number;
    try {
      t = timestampOf(r.timestamp, file, lineNo);
    } catch (err) {
      out.skip((err as DataError).reason, lineNo);
      continue;
    }
    let v: number;
    try {
      v = numberOf(r.value, file, lineNo);
    } catch (err) {
      if (options.strictRows) throw err;
      v = out.value("nan", lineNo);
    }
    if ((r.label !== undefined) !== hasLabel) {
      throw new DataError(file, hasLabel ? 'missing "label"' : 'unexpected "label" (the first record has none)', lineNo);
    }
    const label = hasLabel ? checkLabel(JSON.stringify(r.label), file, lineNo) : 0;
    out.push(t, v, label, lineNo);
  }
  return (out ?? new SeriesBuilder(file, 0, false)).finish(seriesName(file));
}

/**
 * Read a JSONL series file.
 *
 * @example
 * const s = await readSeriesJsonl("out/ds/series/series_0000.jsonl");
 */
export async function readSeriesJsonl(path: string, options: ReadOptions = {}): Promise<Series> {
  return parseSeriesJsonl(await readText(path), path, options);
}
