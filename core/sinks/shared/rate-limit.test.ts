import { expect, test } from "bun:test";
import { VirtualClock } from "../../testing/virtual-clock.ts";
import { RateLimiter } from "./rate-limit.ts";

test("a burst of max_requests passes at once, then one token every per / max_requests", async () => {
  const clock = new VirtualClock();
  const limiter = new RateLimiter({ maxRequests: 3, perMs: 30_000 }, clock);
  const times: number[] = [];
  const taking = (async () => {
    for (let i = 0; i < 6; i++) {
      await limiter.take();
      times.push(clock.monotonic());
    }
  })();
  await clock.runUntil(() => times.length === 6);
  await taking;
  expect(times).toEqual([0, 0, 0, 10_000, 20_000, 30_000]);
  expect(limiter.waited).toBe(3);
  expect(limiter.delayMs()).toBe(10_000);
  await clock.advance(60_000);
  expect(limiter.delayMs()).toBe(0);
});
