import { expect, test } from "bun:test";
import { VirtualClock, VirtualTimeoutError } from "./virtual-clock.ts";
import { settle, waitFor, WaitForTimeoutError } from "./wait-for.ts";

test("timers fire in due order as the clock advances, and only then", async () => {
  const clock = new VirtualClock(1000);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push(`b@${clock.monotonic()}`), 20);
  clock.setTimeout(() => fired.push(`a@${clock.monotonic()}`), 10);
  const cancelled = clock.setTimeout(() => fired.push("never"), 15);
  clock.clearTimeout(cancelled);
  await clock.advance(9);
  expect(fired).toEqual([]);
  await clock.advance(11);
  expect(fired).toEqual(["a@10", "b@20"]);
  expect([clock.now(), clock.monotonic(), clock.pendingTimers]).toEqual([1020, 20, 0]);
});

test("sleep resolves after its virtual time, or at once on abort; a chain of sleeps runs through runUntil", async () => {
  const clock = new VirtualClock();
  let woke = false;
  void clock.sleep(10_000).then(() => (woke = true));
  await clock.advance(9_999);
  expect(woke).toBe(false);
  await clock.advance(1);
  expect(woke).toBe(true);
  const ac = new AbortController();
  const aborted = clock.sleep(60_000, ac.signal);
  ac.abort();
  await aborted;
  expect(clock.pendingTimers).toBe(0);
  let n = 0;
  void (async () => {
    for (let i = 0; i < 5; i++) await clock.sleep(1000).then(() => n++);
  })();
  expect(await clock.runUntil(() => n === 5)).toBe(5000);
});

test("runUntil fails when nothing is left to fire or the condition takes longer than maxMs", async () => {
  const clock = new VirtualClock();
  await expect(clock.runUntil(() => false)).rejects.toBeInstanceOf(VirtualTimeoutError);
  clock.setTimeout(() => {}, 5000);
  await expect(clock.runUntil(() => false, 1000)).rejects.toThrow("within 1000 virtual ms");
});

test("waitFor returns the first truthy value, or throws a WaitForTimeoutError", async () => {
  let n = 0;
  const timer = setInterval(() => n++, 1);
  try {
    expect(await waitFor(() => (n >= 3 ? `n=${n}` : undefined))).toStartWith("n=");
  } finally {
    clearInterval(timer);
  }
  await expect(waitFor(() => false, { timeoutMs: 20, what: "never" })).rejects.toBeInstanceOf(WaitForTimeoutError);
  let done = false;
  void Promise.resolve()
    .then(() => Promise.resolve())
    .then(() => (done = true));
  await settle();
  expect(done).toBe(true);
});
