/**
 * Time as the sink driver and the scorer see it. Production code uses {@link realClock}; tests
 * inject a virtual clock (`core/testing/virtual-clock.ts`) and advance it explicitly, so waits of
 * seconds take no wall time and no assertion depends on how busy the machine is.
 * @module
 */
import { sleep } from "./backoff.ts";

/** An opaque timer handle from {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/** A source of time and timers. */
export interface Clock {
  /** Wall-clock time in ms since the epoch (what `Date.now()` gives). */
  now(): number;
  /** A monotonic time in ms for measuring intervals (what `performance.now()` gives). */
  monotonic(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` once after `ms`. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link setTimeout} (a no-op once it fired). */
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `Date.now`, `performance.now` and the runtime's timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
