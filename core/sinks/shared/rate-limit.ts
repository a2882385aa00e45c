/**
 * A token bucket on an injected {@link Clock}: at most `maxRequests` requests per `perMs`,
 * bursts up to `maxRequests`. The notification sinks take a token before each request; while a
 * sink waits for one, new events pile up in the buffer and leave together in its next request
 * (merged, not dropped).
 * @module
 */
import type { Clock } from "../../runtime/clock.ts";

/** `maxRequests` per `perMs`. */
export interface RateLimitOptions {
  maxRequests: number;
  perMs: number;
}

/** A token bucket; see the module doc. */
export class RateLimiter {
  private tokens: number;
  private last: number;
  /** Requests that had to wait for a token. */
  waited = 0;

  constructor(
    private readonly o: RateLimitOptions,
    private readonly clock: Clock,
  ) {
    this.tokens = o.maxRequests;
    this.last = clock.monotonic();
  }

  private refill(): void {
    const now = this.clock.monotonic();
    this.tokens = Math.min(this.o.maxRequests, this.tokens + ((now - this.last) * this.o.maxRequests) / this.o.perMs);
    this.last = now;
  }

  /** Ms until a token is free (0 when one is). */
  delayMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * this.o.perMs) / this.o.maxRequests);
  }

  /** Waits (on the clock, at most `perMs / maxRequests`) until a token is free, and takes it. */
  async take(): Promise<void> {
    let wait = this.delayMs();
    if (wait > 0) this.waited++;
    while (wait > 0) {
      await this.clock.sleep(wait);
      wait = this.delayMs();
    }
    this.tokens -= 1;
  }
}
