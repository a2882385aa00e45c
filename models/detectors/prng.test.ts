import { describe, expect, test } from "bun:test";
import { Prng } from "./prng.ts";

describe("Prng", () => {
  test("same seed gives the same sequence", () => {
    const a = new Prng(7);
    const b = new Prng(7);
    for (let i = 0; i < 100; i++) expect(a.nextUint32()).toBe(b.nextUint32());
  });

  test("different seeds give different sequences", () => {
    const a = new Prng(1);
    const b = new Prng(2);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    const sb = Array.from({ length: 8 }, () => b.nextUint32());
    expect(sa).not.toEqual(sb);
  });

  test("nextFloat stays in [0, 1) with a sane mean", () => {
    const rng = new Prng(3);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const x = rng.nextFloat();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.01);
  });

  test("nextInt covers [0, n) evenly", () => {
    const rng = new Prng(4);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 10000; i++) counts[rng.nextInt(5)]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  test("rejects a non-finite seed", () => {
    expect(() => new Prng(Number.NaN)).toThrow(RangeError);
  });
});
