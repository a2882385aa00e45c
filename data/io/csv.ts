/**
 * CSV series reader: a header naming `timestamp` and `value` columns (and optionally `label`),
 * in any order, other columns ignored. RFC 4180 quoting (`"a,b"`, `""` escapes, quoted line
 * breaks), a UTF-8 BOM and CRLF line ends are accepted.
 *
 * Timestamps: ISO 8601 (with `T` or a space, with or without `Z`, as written by the Numenta
 * Anomaly Benchmark) or epoch seconds / milliseconds. An empty value is a gap (NaN). Rows are
 * kept in file order; repeated or out-of-order timestamps and malformed rows are counted in
 * `series.notes` (or refused with {@link ReadOptions}).
 */
import { parseTimestamp } from "../time.ts";
import type { Series } from "../types.ts";
import { DataError, quote } from "./errors.ts";
import { readText, seriesName } from "./file.ts";
import { checkLabel, SeriesBuilder, type ReadOptions } from "./rows.ts";

/** One CSV record: its fields and the 1-based line it starts on. */
interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * Splits CSV text into records (RFC 4180: quoted fields may hold commas, `""` and line breaks).
 * Lines without a quote take a fast path.
 */
export function* csvRecords(text: string): Generator<CsvRecord> {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    const start = i + 1;
    if (line.indexOf('"') < 0) {
      if (line.trim() !== "") yield { fields: line.split(","), line: start };
      continue;
    }
    const fields: string[] = [];
    let cur = "";
    let inQuote = false;
    for (;;) {
      for (let j = 0; j < line.length; j++) {
        const c = line[j];
        if (inQuote) {
          if (c === '"') {
            if (line[j + 1] === '"') {
              cur += '"';
              j++;
            } else inQuote = false;
          } else cur += c;
        } else if (c === '"') inQuote = true;
        else if (c === ",") {
          fields.push(cur);
          cur = "";
        } else cur += c;
      }
      if (!inQuote || i + 1 >= lines.length) break;
      cur += "\n";
      line = lines[++i];
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    }
    fields.push(cur);
    yield { fields, line: start };
  }
}

/**
 * Parse CSV text into a series; `file` is used in error messages and for the series name.
 *
 * @example
 * parseSeriesCsv("timestamp,value\n2014-04-01 00:00:00,1.5\n", "nab.csv").values; // Float64Array [1.5]
 */
export function parseSeriesCsv(text: string, file: string, options: ReadOptions = {}): Series {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") throw new DataError(file, "empty file");
  const records = csvRecords(text);
  const first = records.next();
  if (first.done) throw new DataError(file, "empty file");
  const cols = first.value.fields.map((c) => c.trim().toLowerCase());
  const ti = cols.indexOf("timestamp");
  const vi = cols.indexOf("value");
  const li = cols.indexOf("label");
  if (ti < 0 || vi < 0) {
    const header = first.value.fields.join(",");
    throw new DataError(file, `bad header ${quote(header)}: expected columns "timestamp" and "value" (and optionally "label")`, first.value.line);
  }
  const hasLabel = li >= 0;
  const need = Math.max(ti, vi, li) + 1;
  const out = new SeriesBuilder(file, Math.max(16, text.length >>> 5), hasLabel, options);
  for (const { fields: f, line } of records) {
    if (f.length < need) {
      if (f.length === 1 && f[0].trim() === "") continue;
      out.skip(`wrong column count: expected ${cols.length}, got ${f.length} in ${quote(f.join(","))}`, line);
      continue;
    }
    let t = parseTimestamp(f[ti]);
    if (Number.isNaN(t)) t = parseTimestamp(f[ti].trim());
    if (Number.isNaN(t)) {
      out.skip(`unparseable timestamp ${quote(f[ti])}`, line);
      continue;
    }
    const v = out.value(f[vi], line);
    out.push(t, v, hasLabel ? checkLabel(f[li].trim(), file, line) : 0, line);
  }
  return out.finish(seriesName(file));
}

/**
 * Read a CSV series file.
 *
 * @example
 * const s = await readSeriesCsv("data/nab/nyc_taxi.csv");
 */
export async function readSeriesCsv(path: string, options: ReadOptions = {}): Promise<Series> {
  return parseSeriesCsv(await readText(path), path, options);
}
