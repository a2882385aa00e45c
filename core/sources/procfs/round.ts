/**
 * One procfs collection round: the sample/error sink every reader writes to, plus the counter
 * memory that turns two rounds into rates.
 */
import type { ComponentError, MetricSample } from "../../events.ts";

/** Label set shared by every sample of one device/interface in a round (read-only). */
export type Labels = Record<string, string>;

/** Counter values of one round, keyed by `name + "\0" + id`. */
export type CounterMemory = Map<string, number>;

/**
 * Collects the samples and errors of one round. Counters are remembered in `next`; rates and
 * deltas compare them with `prev` (the previous round), over `dtSec` seconds (NaN on the
 * first round, when no rate or fraction is emitted).
 */
export class Round {
  readonly samples: MetricSample[] = [];
  readonly errors: ComponentError[] = [];
  readonly next: CounterMemory = new Map();

  constructor(
    readonly now: number,
    readonly dtSec: number,
    private readonly prev: CounterMemory,
  ) {}

  /** Emit a gauge (skipped when `value` is not finite). */
  gauge(name: string, labels: Labels, value: number): void {
    if (Number.isFinite(value)) this.samples.push({ name, labels, value, timestamp: this.now, type: "gauge" });
  }

  /**
   * Emit a counter and remember it; with `rateName`, also emit its per-second rate as a gauge
   * when the previous round knew the counter and it did not go backwards (reset, wrap).
   */
  counter(name: string, labels: Labels, value: number, id: string, rateName?: string, scale = 1): void {
    if (!Number.isFinite(value)) return;
    this.samples.push({ name, labels, value, timestamp: this.now, type: "counter" });
    const key = id === "" ? name : name + "\0" + id;
    this.next.set(key, value);
    if (rateName === undefined) return;
    const d = this.delta(name, id);
    if (Number.isFinite(d) && this.dtSec > 0) this.gauge(rateName, labels, (d * scale) / this.dtSec);
  }

  /** Remember a counter without emitting it (inputs of derived fractions). */
  remember(name: string, value: number, id = ""): void {
    if (Number.isFinite(value)) this.next.set(id === "" ? name : name + "\0" + id, value);
  }

  /** Increase of a remembered counter since the previous round; NaN if unknown or reset. */
  delta(name: string, id = ""): number {
    const key = id === "" ? name : name + "\0" + id;
    const a = this.prev.get(key);
    const b = this.next.get(key);
    if (a === undefined || b === undefined || b < a) return NaN;
    return b - a;
  }

  /** Record a `parse_error` for `file`. */
  parseError(file: string, message: string): void {
    this.errors.push({ type: "parse_error", message: `${file}: ${message}` });
  }

  /** Record a `read_error` for `file`. */
  readError(file: string, err: unknown): void {
    this.errors.push({ type: "read_error", message: `${file}: ${errorText(err)}` });
  }
}

/** Short text of a thrown value (`ENOENT: no such file or directory`...). */
export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === "string" && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/** Parse a decimal field; NaN for a missing or non-numeric token (`Number("")` would be 0). */
export function num(tok: string | undefined): number {
  if (tok === undefined || tok === "") return NaN;
  return Number(tok);
}

/** Split a line on runs of blanks, dropping empty tokens. */
export function fields(line: string): string[] {
  return line.trim().split(/\s+/);
}

/**
 * Parse the blank-separated fields of `text[start, end)` as numbers into `out` (cleared first),
 * without allocating for plain unsigned integers; a field that is not a number becomes NaN.
 * Returns the number of fields.
 *
 * @example
 * const out: number[] = []; scanNumbers("cpu0 1 2 x", 4, 10, out); // 3, out = [1, 2, NaN]
 */
export function scanNumbers(text: string, start: number, end: number, out: number[]): number {
  out.length = 0;
  let i = start;
  while (i < end) {
    let c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const from = i;
    let v = 0;
    let plain = true;
    while (i < end && (c = text.charCodeAt(i)) !== 32 && c !== 9) {
      if (c >= 48 && c <= 57) v = v * 10 + (c - 48);
      else plain = false;
      i++;
    }
    out.push(plain ? v : num(text.slice(from, i)));
  }
  return out.length;
}

/** End of the line starting at `start` (index of its `\n`, or `text.length`). */
export function lineEnd(text: string, start: number): number {
  const e = text.indexOf("\n", start);
  return e < 0 ? text.length : e;
}
