import { sleep } from "./backoff.ts";

/**
 * Runs `fn` every `intervalMs` until `signal` aborts. Runs never overlap: a slow run delays the
 * next one (the schedule skips missed slots rather than bursting). Errors thrown by `fn` are
 * passed to `onError` and the schedule continues.
 */
export async function every(
  intervalMs: number,
  fn: (now: number) => Promise<void>,
  signal: AbortSignal,
  onError: (error: unknown) => void,
  now: () => number = Date.now,
): Promise<void> {
  let next = now();
  while (!signal.aborted) {
    try {
      await fn(now());
    } catch (error) {
      onError(error);
    }
    next += intervalMs;
    const t = now();
    if (next < t) next = t + ((intervalMs - ((t - next) % intervalMs)) % intervalMs);
    const wait = Math.max(0, next - t);
    await sleep(wait, signal);
  }
}
