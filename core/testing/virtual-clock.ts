/**
 * Test support: a virtual {@link Clock} that only moves when the test says so. Timers fire in
 * due order as the clock is advanced, and the promise jobs they start run before the next one
 * fires, so a driver's backoff of 10 s takes no wall time and its timing is exact.
 * @module
 */
import type { Clock, TimerHandle } from "../runtime/clock.ts";
import { settle } from "./wait-for.ts";

export { settle };

interface Timer {
  at: number;
  order: number;
  fn: () => void;
}

/** Thrown by {@link VirtualClock.runUntil} when the condition did not hold in time. */
export class VirtualTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VirtualTimeoutError";
  }
}

/**
 * A manual clock: `now()` starts at `startMs` (2026-01-01T00:00:00Z by default), `monotonic()`
 * at 0, and both move only through {@link advance}, {@link runUntil} or {@link set}.
 *
 * @example
 * const clock = new VirtualClock();
 * const done = clock.sleep(10_000);
 * await clock.advance(10_000); // resolves `done` at once
 */
export class VirtualClock implements Clock {
  private t: number;
  private readonly t0: number;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.t = this.t0 = startMs;
  }

  now(): number {
    return this.t;
  }

  monotonic(): number {
    return this.t - this.t0;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + Math.max(0, ms || 0), order: id, fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        this.clearTimeout(id);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const id = this.setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  /** Timers not fired yet. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves the clock by `ms`, firing every timer that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await settle();
    for (let next = this.next(); next && next.at <= target; next = this.next()) {
      this.fire(next);
      await settle();
    }
    this.t = target;
    await settle();
  }

  /**
   * Jumps from timer to timer until `cond()` holds; throws {@link VirtualTimeoutError} when it
   * still does not after `maxMs` of virtual time (default 10 min) or when nothing is left to fire.
   * Returns the virtual ms it took.
   */
  async runUntil(cond: () => boolean, maxMs = 600_000): Promise<number> {
    const from = this.t;
    for (;;) {
      await settle();
      if (cond()) return this.t - from;
      const next = this.next();
      if (!next) throw new VirtualTimeoutError(`condition not met after ${this.t - from} virtual ms: no timer left`);
      if (next.at - from > maxMs) throw new VirtualTimeoutError(`condition not met within ${maxMs} virtual ms`);
      this.fire(next);
    }
  }

  private next(): (Timer & { id: number }) | undefined {
    let best: (Timer & { id: number }) | undefined;
    for (const [id, tm] of this.timers) if (!best || tm.at < best.at || (tm.at === best.at && tm.order < best.order)) best = { ...tm, id };
    return best;
  }

  private fire(tm: Timer & { id: number }): void {
    this.timers.delete(tm.id);
    if (tm.at > this.t) this.t = tm.at;
    tm.fn();
  }
}
