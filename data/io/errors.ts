/**
 * The one error type the data layer throws for bad input files.
 */

/** Quote a snippet of input for an error message: JSON-escaped (so one line), at most 40 chars. */
export function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? s.slice(0, 40) + "…" : s);
}

/**
 * A problem with a data file. The message is one line naming the file (and line when known):
 * `data/x.csv:12: non-numeric value "abc"`.
 *
 * @example
 * try { await readSeries("x.csv"); } catch (e) { if (e instanceof DataError) console.error(e.message); }
 */
export class DataError extends Error {
  override readonly name = "DataError";
  /** The file (or directory) at fault. */
  readonly file: string;
  /** 1-based line number, when the problem is on one line. */
  readonly line?: number;
  /** The problem alone, without the location. */
  readonly reason: string;

  constructor(file: string, reason: string, line?: number) {
    super(`${file}${line === undefined ? "" : `:${line}`}: ${reason.replace(/\s+/g, " ")}`);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
