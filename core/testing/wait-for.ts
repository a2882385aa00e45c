/**
 * Test support: wait for a condition instead of sleeping a guessed time.
 * @module
 */

/** Lets every queued promise job and immediate run (`rounds` turns of the event loop); no timer, no wall-clock wait. */
export async function settle(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Thrown by {@link waitFor} when the condition did not hold in time. */
export class WaitForTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WaitForTimeoutError";
  }
}

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long (default 5 s). */
  timeoutMs?: number;
  /** Poll this often (default 5 ms). */
  everyMs?: number;
  /** Said in the error when it times out. */
  what?: string;
}

/**
 * Polls `cond` (sync or async) until it returns a truthy value, and returns that value; throws
 * {@link WaitForTimeoutError} after `timeoutMs`. Use it where a test used to sleep "long enough".
 *
 * @example
 * await waitFor(() => driver.status().state === "halted", { timeoutMs: 2000 });
 */
export async function waitFor<T>(cond: () => T | Promise<T>, o: WaitForOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = o.timeoutMs ?? 5000;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (performance.now() >= deadline) throw new WaitForTimeoutError(`${o.what ?? "condition"} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, o.everyMs ?? 5));
  }
}
