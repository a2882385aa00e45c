/**
 * Shared row handling of the series readers: value / label validation and a growing
 * column store that enforces strictly increasing timestamps.
 */
import { formatIso } from "../time.ts";
import type { Series } from "../types.ts";
import { DataError, quote } from "./errors.ts";

const NUMBER_RE = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const NON_FINITE_RE = /^\s*[+-]?(?:nan|inf|infinity)\s*$/i;

/**
 * Parse a value field: empty (or blank) is a gap (NaN); explicit NaN/inf and non-numbers throw.
 *
 * @example
 * parseValue("1.5", "x.csv", 2); // 1.5
 * parseValue("", "x.csv", 2);    // NaN
 */
export function parseValue(s: string, file: string, line: number): number {
  if (s.length === 0 || s.trim() === "") return NaN;
  if (NUMBER_RE.test(s)) {
    const v = Number(s);
    if (Number.isFinite(v)) return v;
    throw new DataError(file, `non-finite value ${quote(s)}`, line);
  }
  if (NON_FINITE_RE.test(s)) throw new DataError(file, `non-finite value ${quote(s)}`, line);
  throw new DataError(file, `non-numeric value ${quote(s)}`, line);
}

/**
 * Check a label field is `0` or `1`.
 *
 * @example
 * checkLabel("1", "x.csv", 2); // 1
 */
export function checkLabel(s: string, file: string, line: number): 0 | 1 {
  if (s === "0") return 0;
  if (s === "1") return 1;
  throw new DataError(file, `label must be 0 or 1, got ${quote(s)}`, line);
}

/** Accumulates rows column-wise and rejects unsorted or duplicate timestamps. */
export class SeriesBuilder {
  private ts: Float64Array;
  private vs: Float64Array;
  private ls: Uint8Array | undefined;
  private n = 0;

  constructor(
    private readonly file: string,
    capacity: number,
    hasLabels: boolean,
  ) {
    this.ts = new Float64Array(capacity);
    this.vs = new Float64Array(capacity);
    this.ls = hasLabels ? new Uint8Array(capacity) : undefined;
  }

  /** Append one row (`line` is for error messages). */
  push(t: number, v: number, label: number, line: number): void {
    const n = this.n;
    if (n > 0 && t <= this.ts[n - 1]) {
      const prev = this.ts[n - 1];
      const reason =
        t === prev
          ? `duplicate timestamp ${formatIso(t)}`
          : `timestamps not sorted: ${formatIso(t)} comes after ${formatIso(prev)}`;
      throw new DataError(this.file, reason, line);
    }
    if (n === this.ts.length) this.grow();
    this.ts[n] = t;
    this.vs[n] = v;
    if (this.ls) this.ls[n] = label;
    this.n = n + 1;
  }

  /** The series read so far; throws when there was no data row. */
  finish(name: string): Series {
    if (this.n === 0) throw new DataError(this.file, "no data rows");
    const s: Series = { name, timestamps: this.ts.slice(0, this.n), values: this.vs.slice(0, this.n) };
    if (this.ls) s.labels = this.ls.slice(0, this.n);
    return s;
  }

  private grow(): void {
    const cap = Math.max(16, this.ts.length * 2);
    const ts = new Float64Array(cap);
    ts.set(this.ts);
    const vs = new Float64Array(cap);
    vs.set(this.vs);
    this.ts = ts;
    this.vs = vs;
    if (this.ls) {
      const ls = new Uint8Array(cap);
      ls.set(this.ls);
      this.ls = ls;
    }
  }
}
