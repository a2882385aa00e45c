import { describe, expect, test } from "bun:test";
import { ArtState, DEFAULT_ART, artParams, artStep, poissonLogTail, poissonLogTailReal } from "./art.ts";
import { createRng } from "../../data/random.ts";

/** ln p of every block end of `values` fed through one ART model (median 0, envelope [lo, hi]). */
function run(values: Float64Array, lo: number, hi: number): number[] {
  const p = artParams(DEFAULT_ART);
  const a = new ArtState(p);
  const out: number[] = [];
  for (const v of values) {
    const l = artStep(a, p, v, 0, lo, hi, true);
    if (!Number.isNaN(l)) out.push(l);
  }
  return out;
}

describe("fuzzy-ART shape model (art.ts)", () => {
  test("Poisson tail: exact on integers, between its neighbours on reals", () => {
    for (const lambda of [0.01, 0.3, 1, 4, 12]) {
      for (const n of [0, 1, 2, 5, 9]) {
        // the tail's terms summed directly: e^−λ λ^k / k! for k ≥ n
        let term = Math.exp(-lambda);
        for (let k = 1; k <= n; k++) term *= lambda / k;
        let tail = 0;
        for (let k = n; k < n + 200; k++) {
          tail += term;
          term *= lambda / (k + 1);
        }
        expect(poissonLogTail(n, lambda)).toBeCloseTo(Math.log(tail), 6);
      }
      const mid = poissonLogTailReal(2.5, lambda);
      expect(mid).toBeLessThanOrEqual(poissonLogTail(2, lambda));
      expect(mid).toBeGreaterThanOrEqual(poissonLogTail(3, lambda));
    }
  });

  test("a series that settled into a repertoire of shapes is surprised by a new one", () => {
    // a spike every 100 samples for 8000 samples, then spikes in pairs 12 samples apart
    const v = Float64Array.from({ length: 10_000 }, (_, i) => (i % 100 === 0 || (i >= 8000 && i % 100 === 12) ? 10 : 0));
    const l = run(v, 0, 10);
    const settled = l.slice(500, 1990); // blocks of samples 2000–8000
    const changed = l.slice(1990, 2100);
    expect(Math.min(...settled)).toBeGreaterThan(-3);
    expect(Math.min(...changed)).toBeLessThan(-10);
  });

  test("a heavy-tailed series that keeps showing new shapes is not surprised by them", () => {
    const r = createRng(4).next;
    const g = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    const v = Float64Array.from({ length: 40_000 }, () => Math.exp(1.5 * g()));
    // every large value sweeps through the window as a run of new categories: frequent, so no evidence
    const l = run(v, 0, 60).slice(500);
    expect(Math.min(...l)).toBeGreaterThan(-3);
  });
});
