import { expect, test } from "bun:test";
import { realClock } from "./clock.ts";

test("the real clock is Date.now / performance.now, and its sleep ends at once on abort", async () => {
  const before = Date.now();
  expect(realClock.now()).toBeGreaterThanOrEqual(before);
  expect(Math.abs(realClock.monotonic() - performance.now())).toBeLessThan(50);
  const ac = new AbortController();
  const slept = realClock.sleep(60_000, ac.signal);
  ac.abort();
  await slept; // would hang the test for a minute otherwise
  let fired = false;
  const { setTimeout: schedule, clearTimeout: cancel } = realClock;
  cancel(schedule(() => (fired = true), 0));
  await new Promise((resolve) => setImmediate(resolve));
  expect(fired).toBe(false);
});
