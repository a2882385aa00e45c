/**
 * Small helpers every sink uses to build a {@link SendResult}.
 * @module
 */
import type { SendResult } from "../sink.ts";

/** A fresh, empty {@link SendResult}. */
export function emptyResult(): SendResult {
  return { delivered: 0, retry: [], dead: [], errors: {} };
}

/**
 * Adds `n` to the error counter `type` of `result`.
 *
 * @example
 * const r = emptyResult();
 * countError(r, "http_429", 3); // r.errors = { http_429: 3 }
 */
export function countError(result: SendResult, type: string, n = 1): void {
  result.errors[type] = (result.errors[type] ?? 0) + n;
}

/** The message of anything thrown, without throwing itself. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return String(err);
  } catch {
    return "unknown error";
  }
}
