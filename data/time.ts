/**
 * Timestamp formatting and parsing shared by the generator and the readers/writers.
 */

/**
 * Format ms since the epoch as ISO 8601 UTC, without milliseconds when they are zero.
 *
 * @example
 * formatIso(Date.UTC(2026, 0, 1)); // "2026-01-01T00:00:00Z"
 */
export function formatIso(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith(".000Z") ? s.slice(0, 19) + "Z" : s;
}

/**
 * Format a whole timeline once (series of one dataset usually share it).
 *
 * @example
 * formatIsoAll(new Float64Array([0])); // ["1970-01-01T00:00:00Z"]
 */
export function formatIsoAll(timestamps: Float64Array): string[] {
  const out = new Array<string>(timestamps.length);
  for (let i = 0; i < timestamps.length; i++) out[i] = formatIso(timestamps[i]);
  return out;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const NUM_RE = /^\d+(?:\.\d+)?$/;

function daysIn(y: number, m: number): number {
  return m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : DAYS[m - 1];
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

/** Fast path for `YYYY-MM-DD[T ]HH:MM:SS[Z]` (the common shapes). */
function parseFixed(s: string): number {
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const mo = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  const h = digit(s, 11) * 10 + digit(s, 12);
  const mi = digit(s, 14) * 10 + digit(s, 15);
  const se = digit(s, 17) * 10 + digit(s, 18);
  if (s[4] !== "-" || s[7] !== "-" || s[13] !== ":" || s[16] !== ":") return NaN;
  return valid(y, mo, d, h, mi, se) ? Date.UTC(y, mo - 1, d, h, mi, se) : NaN;
}

function valid(y: number, mo: number, d: number, h: number, mi: number, se: number): boolean {
  // NaN compares false everywhere, so a bad digit fails here too.
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) && h >= 0 && h < 24 && mi >= 0 && mi < 60 && se >= 0 && se < 60;
}

/**
 * Parse a timestamp into ms since the epoch, or NaN when it is not one.
 *
 * Accepts ISO 8601 with `T` or a space, with or without seconds / fraction / `Z` / `±HH:MM`
 * (no zone means UTC, as in the Numenta Anomaly Benchmark's `2014-04-01 00:00:00`), and plain
 * epoch numbers: below 1e11 they are seconds, otherwise milliseconds.
 *
 * @example
 * parseTimestamp("2014-04-01 00:00:00"); // 1396310400000
 * parseTimestamp("1396310400");          // 1396310400000
 */
export function parseTimestamp(s: string): number {
  const len = s.length;
  if ((len === 20 && s[19] === "Z") || len === 19) {
    const sep = s[10];
    if (sep === "T" || sep === " ") {
      const t = parseFixed(s);
      if (!Number.isNaN(t)) return t;
    }
  }
  if (NUM_RE.test(s)) {
    const v = Number(s);
    return v < 1e11 ? Math.round(v * 1000) : Math.round(v);
  }
  const m = ISO_RE.exec(s);
  if (!m) return NaN;
  const [y, mo, d, h, mi, se] = [1, 2, 3, 4, 5, 6].map((k) => (m[k] === undefined ? 0 : Number(m[k])));
  if (!valid(y, mo, d, h, mi, se)) return NaN;
  const frac = m[7] === undefined ? 0 : Math.round(Number("0." + m[7]) * 1000);
  let t = Date.UTC(y, mo - 1, d, h, mi, se) + frac;
  const zone = m[8];
  if (zone !== undefined && zone !== "Z") {
    const z = zone.replace(":", "");
    const off = Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5));
    t -= (z[0] === "-" ? -1 : 1) * off * 60000;
  }
  return t;
}
