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

test("with a round gate the worker works only in the first budget × period after a round, then waits for the next", () => {
  let t = 0;
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const waits: number[] = [];
  // the "scoring thread": a round ends every 1000 ms; waiting jumps to the next round end
  const p = new Pacer(
    0.25,
    () => t,
    (ms) => (t += ms),
    gate,
    (_g, _seen, ms) => {
      const next = Math.ceil((t + 1e-9) / 1000) * 1000;
      waits.push(next - t);
      if (next - t <= ms) {
        t = next;
        gate[0]++;
      } else t += ms;
    },
  );
  // work in slices of 50 ms for 10 s
  const workedAt: number[] = [];
  while (t < 10_000) {
    workedAt.push(t % 1000);
    t += 50;
    p.tick();
  }
  // every slice starts within the first 250 ms after a round end (+ one slice of overshoot)
  expect(Math.max(...workedAt)).toBeLessThanOrEqual(300);
  expect(p.busyMs / t).toBeLessThanOrEqual(0.26);
  expect(p.busyMs / t).toBeGreaterThan(0.2);
});

test("with a gate but no rounds (a paused source), the duty cycle alone applies", () => {
  let t = 0;
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const p = new Pacer(
    0.25,
    () => t,
    (ms) => (t += ms),
    gate,
    (_g, _s, ms) => (t += ms),
  );
  while (t < 20_000) {
    t += 50;
    p.tick();
  }
  expect(p.busyMs / t).toBeGreaterThan(0.2);
  expect(p.busyMs / t).toBeLessThanOrEqual(0.26);
});
