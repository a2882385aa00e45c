import { expect, test } from "bun:test";
import { every } from "./every.ts";
import { waitFor } from "../testing/wait-for.ts";

test("runs never overlap and the schedule stops on abort", async () => {
  const ac = new AbortController();
  let running = 0;
  let maxRunning = 0;
  let runs = 0;
  const done = every(
    10,
    async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      await Bun.sleep(25); // slower than the interval
      running--;
    },
    ac.signal,
    () => {},
  );
  await waitFor(() => runs >= 3, { what: "three runs" });
  ac.abort();
  await done;
  expect(maxRunning).toBe(1);
  expect(runs).toBeGreaterThanOrEqual(3);
  expect(runs).toBeLessThanOrEqual(6);
});

test("an error in one run is reported and the schedule continues", async () => {
  const ac = new AbortController();
  const errors: unknown[] = [];
  let runs = 0;
  const done = every(
    5,
    async () => {
      runs++;
      if (runs === 1) throw new Error("boom");
    },
    ac.signal,
    (e) => errors.push(e),
  );
  await waitFor(() => runs > 2, { what: "runs after the failing one" });
  ac.abort();
  await done;
  expect(errors.length).toBe(1);
  expect(runs).toBeGreaterThan(2);
});
