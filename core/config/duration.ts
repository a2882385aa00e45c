/**
 * Durations in the config: `500ms`, `1s`, `10s`, `2m`, `1h`, `1d`, compounds like `1m30s`, or a
 * plain number of seconds. Always parsed to milliseconds.
 */

/** Pattern of a duration string (one or more `<number><unit>` parts). Also used in the JSON Schema. */
export const DURATION_PATTERN = /^(\d+(\.\d+)?(ms|s|m|h|d))+$/;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** What a valid duration looks like, for error messages. */
export const DURATION_HINT = "a duration like 500ms, 10s, 2m, 1h or a number of seconds";

/**
 * Parses a duration to milliseconds; `undefined` when the text is not a duration. Zero and
 * negative values parse (callers decide whether they are allowed).
 *
 * @example
 * parseDuration("1m30s"); // 90000
 * parseDuration(2.5);     // 2500
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? Math.round(value * 1000) : undefined;
  const text = value.trim();
  if (!DURATION_PATTERN.test(text)) return undefined;
  let ms = 0;
  for (const [, num, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h|d)/g)) ms += Number(num) * UNIT_MS[unit];
  return Math.round(ms);
}

/**
 * Formats milliseconds as the shortest readable duration (`1m30s`, `500ms`).
 *
 * @example
 * formatDuration(90_000); // "1m30s"
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  let rest = Math.round(ms);
  let out = "";
  for (const unit of ["d", "h", "m", "s"] as const) {
    const n = Math.floor(rest / UNIT_MS[unit]);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * UNIT_MS[unit];
  }
  return rest > 0 ? `${out}${rest}ms` : out;
}
