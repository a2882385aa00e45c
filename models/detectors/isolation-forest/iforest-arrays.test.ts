import { describe, expect, test } from "bun:test";
import { averagePathLength, forestProblems, leafPathLengths, type ForestArrays } from "./iforest-arrays.ts";

/** root splits on feature 0 at 0.5; left child is a leaf of 3, right child a leaf of 1. */
function tiny(): ForestArrays {
  return {
    feature: Int32Array.from([0, -1, -1]),
    threshold: Float32Array.from([0.5, 0, 0]),
    left: Int32Array.from([1, -1, -1]),
    right: Int32Array.from([2, -1, -1]),
    size: Int32Array.from([4, 3, 1]),
    roots: Int32Array.from([0]),
  };
}

describe("averagePathLength", () => {
  test("matches the paper's c(n)", () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 3);
  });
});

describe("leafPathLengths", () => {
  test("is depth + c(size) at leaves and 0 inside", () => {
    const p = leafPathLengths(tiny());
    expect(p[0]).toBe(0);
    expect(p[1]).toBeCloseTo(1 + averagePathLength(3), 12);
    expect(p[2]).toBe(1);
  });
});

describe("forestProblems", () => {
  test("accepts a well-formed table", () => {
    expect(forestProblems(tiny(), 1)).toEqual([]);
  });

  test("reports bad features, children, roots and lengths", () => {
    const f = tiny();
    f.feature[0] = 5;
    expect(forestProblems(f, 2).join()).toMatch(/feature 5 outside width 2/);
    const g = tiny();
    g.left[0] = 0;
    expect(forestProblems(g, 1).join()).toMatch(/children/);
    const h = tiny();
    h.roots[0] = 9;
    expect(forestProblems(h, 1).join()).toMatch(/roots\[0\]/);
    expect(forestProblems({ ...tiny(), size: new Int32Array(2) }, 1).join()).toMatch(/size has 2/);
  });
});
