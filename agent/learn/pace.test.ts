import { expect, test } from "bun:test";
import { Pacer } from "./pace.ts";

test("the pacer sleeps so the busy share stays at the budget", () => {
  let t = 0;
  const slept: number[] = [];
  const p = new Pacer(
    0.25,
    () => t,
    (ms) => {
      slept.push(ms);
      t += ms;
    },
  );
  t += 100; // 100 ms of work
  p.tick();
  expect(slept).toEqual([300]); // 100 busy of 400 elapsed
  p.tick();
  expect(slept.length).toBe(1); // already at the budget
  t += 50;
  p.tick();
  expect(slept[1]).toBe(150);
  expect(p.busyMs).toBe(150);
  expect(p.busyMs / t).toBeCloseTo(0.25, 10);
});

test("a budget of one core never sleeps", () => {
  let t = 0;
  const p = new Pacer(
    1,
    () => t,
    () => {
      throw new Error("slept");
    },
  );
  t += 1000;
  p.tick();
  expect(p.sleptMs).toBe(0);
});
