import { z } from "zod";

/**
 * One line, at most `max` characters: control characters (C0, DEL, C1) and line breaks become
 * single spaces.
 *
 * @example
 * oneLine("a\n  b\u001b[2J"); // "a b [2J"
 */
export function oneLine(s: string, max = 500): string {
  // eslint-disable-next-line no-control-regex
  const flat = s
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
    .replace(/ {2,}/g, " ")
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Zod issues as one line: `path: problem; path: problem` (at most `max` issues, then `(+N more)`).
 *
 * @example
 * zodLine(r.error); // "anomaly_rate: Too big: expected number to be <=1; host: Too big: …"
 */
export function zodLine(error: z.ZodError, max = 5): string {
  const parts = error.issues.slice(0, max).map((i) => `${i.path.map(String).join(".") || "(root)"}: ${oneLine(i.message, 200)}`);
  if (error.issues.length > max) parts.push(`(+${error.issues.length - max} more)`);
  return oneLine(parts.join("; "), 1000);
}

/** An error's message as one line; a zod error (however deeply thrown) as `path: problem; …`. */
export function errorLine(error: unknown, max = 1000): string {
  if (error instanceof z.ZodError) return zodLine(error);
  return oneLine(error instanceof Error ? error.message : String(error), max);
}
