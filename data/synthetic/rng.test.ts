import { describe, expect, test } from "bun:test";
import { createRng, mixSeed } from "./rng.ts";

describe("createRng", () => {
  test("same seed gives the same stream, different seeds differ", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(xa);
  });

  test("uniform and int stay in range", () => {
    const r = createRng(1);
    for (let i = 0; i < 10_000; i++) {
      const u = r.uniform(10, 20);
      expect(u >= 10 && u < 20).toBe(true);
      const k = r.int(1, 3);
      expect(k === 1 || k === 2 || k === 3).toBe(true);
    }
  });

  test("normal has mean ~0 and std ~1", () => {
    const r = createRng(7);
    const n = 50_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(s2 / n) - 1)).toBeLessThan(0.03);
  });

  test("mixSeed separates series streams", () => {
    expect(mixSeed(42, 0)).not.toBe(mixSeed(42, 1));
    expect(mixSeed(42, 0)).not.toBe(mixSeed(43, 0));
    expect(mixSeed(42, 5)).toBe(mixSeed(42, 5));
  });
});
