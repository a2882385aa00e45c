/**
 * Promise timeout helper for probes and bounded connects.
 * @module
 */

/** Thrown by {@link withTimeout} when the time is up. */
export class SinkTimeoutError extends Error {
  override readonly name = "SinkTimeoutError";
}

/**
 * Resolves/rejects like `promise`, or rejects with {@link SinkTimeoutError} after `ms`.
 * The timer is unref'd and cleared; `promise` itself keeps running (its rejection is swallowed
 * once the timeout has won).
 *
 * @example
 * await withTimeout(admin.describeCluster(), 2000, "kafka metadata");
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SinkTimeoutError(`${what}: no answer within ${ms} ms`)), ms);
    (timer as { unref?: () => void }).unref?.();
  });
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
