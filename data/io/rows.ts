/**
 * Shared row handling of the series readers: value / label validation, a growing column store
 * that accepts real exports' time quirks (repeated hours, backwards jumps) in file order unless
 * asked to be strict, and the counts of what was tolerated ({@link ReadNotes}).
 */
import { formatIso } from "../time.ts";
import type { ReadNotes, Series } from "../types.ts";
import { DataError, quote } from "./errors.ts";

const NUMBER_RE = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const NON_FINITE_RE = /^\s*[+-]?(?:nan|inf|infinity)\s*$/i;

/** How strictly the readers treat a file. */
export interface ReadOptions {
  /**
   * Refuse repeated and out-of-order timestamps (the old behaviour). Default false: rows are
   * kept in file order and counted in {@link ReadNotes}.
   */
  strictTime?: boolean;
  /**
   * Refuse malformed rows (unparseable timestamp, missing column, non-numeric or non-finite
   * value). Default false: such a row is skipped (bad timestamp / missing column) or read as a
   * gap (bad value), and counted.
   */
  strictRows?: boolean;
}

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

/** Empty {@link ReadNotes}. */
export function emptyNotes(): ReadNotes {
  return { repeated: 0, outOfOrder: 0, skipped: 0, badValues: 0 };
}

/**
 * One line describing what a reader tolerated, or undefined when the file was clean.
 *
 * @example
 * describeNotes("a.csv", { repeated: 12, outOfOrder: 1, skipped: 0, badValues: 0 });
 * // "a.csv: 13 rows repeat or go back in time (first at line 2203); scored in file order (--strict-time refuses them)"
 */
export function describeNotes(file: string, n: ReadNotes): string | undefined {
  const parts: string[] = [];
  const time = n.repeated + n.outOfOrder;
  if (time > 0) {
    parts.push(
      `${time} row${time === 1 ? "" : "s"} repeat${time === 1 ? "s" : ""} or go${time === 1 ? "es" : ""} back in time` +
        `${n.firstTimeLine ? ` (first at line ${n.firstTimeLine})` : ""}; scored in file order (--strict-time refuses them)`,
    );
  }
  if (n.skipped > 0)
    parts.push(
      `${n.skipped} malformed row${n.skipped === 1 ? "" : "s"} skipped${n.firstSkippedLine ? ` (first at line ${n.firstSkippedLine}: ${n.firstSkippedReason})` : ""}`,
    );
  if (n.badValues > 0)
    parts.push(
      `${n.badValues} non-numeric or non-finite value${n.badValues === 1 ? "" : "s"} read as gaps${n.firstBadValueLine ? ` (first at line ${n.firstBadValueLine})` : ""}`,
    );
  return parts.length ? `${file}: ${parts.join("; ")}` : undefined;
}

/** Accumulates rows column-wise; repeated / out-of-order timestamps are counted or refused. */
export class SeriesBuilder {
  private ts: Float64Array;
  private vs: Float64Array;
  private ls: Uint8Array | undefined;
  private n = 0;
  private maxT = -Infinity;
  /** What was tolerated so far. */
  readonly notes: ReadNotes = emptyNotes();

  constructor(
    private readonly file: string,
    capacity: number,
    hasLabels: boolean,
    private readonly options: ReadOptions = {},
  ) {
    this.ts = new Float64Array(Math.max(1, capacity));
    this.vs = new Float64Array(Math.max(1, capacity));
    this.ls = hasLabels ? new Uint8Array(Math.max(1, capacity)) : undefined;
  }

  /** Append one row (`line` is for error messages). */
  push(t: number, v: number, label: number, line: number): void {
    const n = this.n;
    if (t <= this.maxT) {
      const prev = this.ts[n - 1];
      if (this.options.strictTime) {
        const reason = t === prev ? `duplicate timestamp ${formatIso(t)}` : `timestamps not sorted: ${formatIso(t)} comes after ${formatIso(prev)}`;
        throw new DataError(this.file, reason, line);
      }
      if (t === this.maxT) this.notes.repeated++;
      else this.notes.outOfOrder++;
      this.notes.firstTimeLine ??= line;
    } else this.maxT = t;
    if (n === this.ts.length) this.grow();
    this.ts[n] = t;
    this.vs[n] = v;
    if (this.ls) this.ls[n] = label;
    this.n = n + 1;
  }

  /**
   * Record a malformed row: throws in strict mode, else counts it (the caller skips the row).
   * @param reason why the row is malformed (one line, for the notes and the strict error).
   */
  skip(reason: string, line: number): void {
    if (this.options.strictRows) throw new DataError(this.file, reason, line);
    this.notes.skipped++;
    if (this.notes.firstSkippedLine === undefined) {
      this.notes.firstSkippedLine = line;
      this.notes.firstSkippedReason = reason;
    }
  }

  /** Parse a value field; in lenient mode a bad value is a counted gap. */
  value(s: string, line: number): number {
    try {
      return parseValue(s, this.file, line);
    } catch (err) {
      if (this.options.strictRows) throw err;
      this.notes.badValues++;
      this.notes.firstBadValueLine ??= line;
      return NaN;
    }
  }

  /** The series read so far; throws when there was no data row. */
  finish(name: string): Series {
    if (this.n === 0) {
      const why =
        this.notes.skipped > 0
          ? `no parsable data row (${this.notes.skipped} malformed, first at line ${this.notes.firstSkippedLine}: ${this.notes.firstSkippedReason})`
          : "no data rows";
      throw new DataError(this.file, why);
    }
    const s: Series = { name, timestamps: this.ts.slice(0, this.n), values: this.vs.slice(0, this.n) };
    if (this.ls) s.labels = this.ls.slice(0, this.n);
    const n = this.notes;
    if (n.repeated + n.outOfOrder + n.skipped + n.badValues > 0) s.notes = { ...n };
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
