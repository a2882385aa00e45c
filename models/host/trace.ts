/**
 * The host vector of a recorded trace (`models/online/host-trace.ts`'s columns, or any
 * `timestamp,<series…>` CSV): counters recognised by their names (a trace does not carry metric
 * types) and turned into rates like the runtime does.
 */
import { readFileSync } from "node:fs";
import { csvRecords } from "../../data/io/csv.ts";
import { parseTimestamp } from "../../data/time.ts";
import type { HostTrace } from "../online/host-trace.ts";
import { redundantCounter } from "./vector.ts";

/** Rows of a trace as the host model takes them. */
export interface HostRows {
  names: string[];
  /** `n × names.length`, row-major, NaN = missing. */
  rows: Float32Array;
  n: number;
  timestamps: Float64Array;
}

/**
 * A column is a counter when its rate is a gauge beside it (procfs: `X` and `X_per_sec`,
 * `cpu.user_seconds` and `cpu.user`), or when its name ends in `_total`/`_seconds` and it never
 * decreases over the trace.
 */
export function traceCounters(trace: HostTrace): Set<string> {
  const keys = new Set(trace.series.map((s) => s.name));
  const out = new Set<string>();
  for (const s of trace.series) {
    if (redundantCounter(s.name, keys)) out.add(s.name);
    else if (/(_total|_seconds)(\{|$)/.test(s.name)) {
      let prev = Number.NEGATIVE_INFINITY;
      let mono = true;
      for (const v of s.values) {
        if (!Number.isFinite(v)) continue;
        if (v < prev) mono = false;
        prev = v;
      }
      if (mono) out.add(s.name);
    }
  }
  return out;
}

/**
 * The trace's host vector per round: redundant counters left out, other counters as their
 * increase per second (NaN in the first round and after a reset), gauges as they are.
 */
export function traceRows(trace: HostTrace, counters = traceCounters(trace)): HostRows {
  const keys = new Set(trace.series.map((s) => s.name));
  const cols = trace.series.filter((s) => !(counters.has(s.name) && redundantCounter(s.name, keys)));
  const n = trace.timestamps.length;
  const d = cols.length;
  const rows = new Float32Array(n * d);
  const t = trace.timestamps;
  cols.forEach((s, j) => {
    const rate = counters.has(s.name);
    for (let i = 0; i < n; i++) {
      const v = s.values[i];
      if (!rate) rows[i * d + j] = v;
      else {
        const p = i > 0 ? s.values[i - 1] : Number.NaN;
        rows[i * d + j] = i > 0 && v >= p && t[i] > t[i - 1] ? (v - p) / ((t[i] - t[i - 1]) / 1000) : Number.NaN;
      }
    }
  });
  return { names: cols.map((s) => s.name), rows, n, timestamps: Float64Array.from(t) };
}

/** Largest wide CSV {@link readWideCsv} reads (bytes, after decompression). */
export const MAX_WIDE_CSV_BYTES = 512 * 1024 * 1024;

/**
 * Reads a wide CSV (`timestamp,<series 1>,<series 2>,…`, one row per round, empty = no sample;
 * `.gz` decompressed), the layout of the host trace and of `scripts/host-trace/pack.ts`.
 * Throws with the reason for a file over {@link MAX_WIDE_CSV_BYTES}, without a `timestamp`
 * column first, with a bad timestamp or a non-numeric value.
 */
export function readWideCsv(path: string): HostTrace {
  let bytes: Uint8Array = readFileSync(path);
  if (path.endsWith(".gz")) bytes = Bun.gunzipSync(bytes as Uint8Array<ArrayBuffer>);
  if (bytes.length > MAX_WIDE_CSV_BYTES) throw new Error(`${path}: ${bytes.length} bytes, over the ${MAX_WIDE_CSV_BYTES}-byte bound`);
  const records = [...csvRecords(new TextDecoder().decode(bytes))];
  const header = records[0]?.fields ?? [];
  if (header[0] !== "timestamp" || header.length < 2) throw new Error(`${path}: expected a header "timestamp,<series…>"`);
  const n = records.length - 1;
  const timestamps = new Float64Array(n);
  const series = header.slice(1).map((name) => ({ name, values: new Float64Array(n).fill(Number.NaN) }));
  for (let i = 0; i < n; i++) {
    const f = records[i + 1].fields;
    const t = parseTimestamp(f[0] ?? "");
    if (!Number.isFinite(t)) throw new Error(`${path}: row ${i + 2}: bad timestamp ${JSON.stringify(String(f[0]).slice(0, 40))}`);
    timestamps[i] = t;
    for (let c = 1; c < header.length; c++) {
      const v = f[c];
      if (v === undefined || v === "") continue;
      const x = Number(v);
      if (Number.isNaN(x)) throw new Error(`${path}: row ${i + 2}, column ${JSON.stringify(header[c].slice(0, 80))}: not a number`);
      series[c - 1].values[i] = x;
    }
  }
  return { timestamps, series, phases: [] };
}
