import { expect, test } from "bun:test";
import { governHeap } from "./heap-governor.ts";

/**
 * Runs the governor over a scripted RSS series, one value per check (the first is the start),
 * and returns the indexes of the checks that collected. A collection brings RSS down to 10.
 */
async function collections(series: number[], growthBytes: number): Promise<number[]> {
  const ac = new AbortController();
  const collected: number[] = [];
  let next = 0;
  let afterGc = false;
  const rss = () => {
    if (afterGc) {
      afterGc = false;
      return 10;
    }
    if (next === series.length - 1) ac.abort();
    return series[Math.min(next++, series.length - 1)]!;
  };
  await governHeap(ac.signal, { checkEveryMs: 1, growthBytes, rss, gc: () => void (collected.push(next - 1), (afterGc = true)) });
  return collected;
}

test("collects when RSS grew by more than growthBytes since the last collection, and only then", async () => {
  // 111 - 10 > 100 → collect (back to 10); 40, 60, 105 stay within 100 of 10; 140 and 200 → collect.
  expect(await collections([10, 50, 90, 111, 40, 60, 105, 140, 200, 20, 20], 100)).toEqual([3, 7, 8]);
});

test("RSS that fell by itself lowers the mark; a steady RSS never collects", async () => {
  expect(await collections([200, 100, 150, 190, 230], 100)).toEqual([4]); // the mark fell to 100; 190 - 100 ≤ 100 < 230 - 100
  expect(await collections(Array(20).fill(50), 100)).toEqual([]);
});

test("an abort ends it without collecting", async () => {
  let calls = 0;
  const ac = new AbortController();
  const done = governHeap(ac.signal, { checkEveryMs: 10_000, growthBytes: 1, rss: () => ++calls * 100, gc: () => void calls++ });
  ac.abort();
  await done;
  expect(calls).toBe(1); // the starting mark only
});
