/** Exponential backoff with full jitter and a cap. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Random source in [0, 1) (injectable for tests). */
  random?: () => number;
}

/** Delay before retry number `attempt` (1-based): uniform in [d/2, d], d = min(max, initial·2^(attempt-1)). */
export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const d = Math.min(o.maxMs, o.initialMs * 2 ** Math.max(0, attempt - 1));
  const r = (o.random ?? Math.random)();
  return Math.round(d / 2 + (d / 2) * r);
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
