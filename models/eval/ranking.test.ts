import { describe, expect, test } from "bun:test";
import { evaluate } from "./evaluate.ts";
import { createRng } from "../../data/random.ts";
import { series } from "./testing/fixtures.ts";
import { rankingMetrics } from "./ranking.ts";

/** Brute force: every distinct score is a threshold; ROC over all pairs. */
function brute(scores: number[], labels: number[]): { ap: number; auc: number } {
  const thresholds = [...new Set(scores)].sort((a, b) => b - a);
  const nPos = labels.filter((l) => l === 1).length;
  let ap = 0;
  let prevRecall = 0;
  for (const t of thresholds) {
    let tp = 0;
    let fp = 0;
    scores.forEach((s, i) => {
      if (s >= t) labels[i] === 1 ? tp++ : fp++;
    });
    const recall = tp / nPos;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  let wins = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((sn, j) => {
      if (labels[j] !== 0) return;
      pairs++;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return { ap, auc: wins / pairs };
}

describe("rankingMetrics", () => {
  test("matches brute force on random tied data (fixed seed)", () => {
    const rand = createRng(42).next;
    for (let trial = 0; trial < 20; trial++) {
      const n = 50 + Math.floor(rand() * 300);
      const levels = 2 + Math.floor(rand() * 30); // few levels => many ties
      const labels = Array.from({ length: n }, () => (rand() < 0.2 ? 1 : 0));
      labels[0] = 1;
      labels[1] = 0;
      const scores = labels.map((l) => Math.fround(Math.min(1, Math.floor((rand() + l * 0.3) * levels) / levels)));
      const want = brute(scores, labels);
      const got = rankingMetrics(Float32Array.from(scores.filter((_, i) => labels[i] === 1)), Float32Array.from(scores.filter((_, i) => labels[i] === 0)));
      expect(got.prAuc!).toBeCloseTo(want.ap, 10);
      expect(got.rocAuc!).toBeCloseTo(want.auc, 10);
      // pooled across several series via evaluate gives the same numbers
      const cut = Math.floor(n / 3);
      const r = evaluate([series("x", labels.slice(0, cut), scores.slice(0, cut)), series("y", labels.slice(cut), scores.slice(cut))], []);
      expect(r.pr_auc!).toBeCloseTo(want.ap, 10);
      expect(r.roc_auc!).toBeCloseTo(want.auc, 10);
    }
  });

  test("undefined cases are null", () => {
    expect(rankingMetrics(new Float32Array(0), Float32Array.of(0.3))).toEqual({ prAuc: null, rocAuc: null });
    expect(rankingMetrics(Float32Array.of(0.2, 0.4), new Float32Array(0))).toEqual({ prAuc: 1, rocAuc: null });
  });

  test("an inverted detector has ROC-AUC 0", () => {
    expect(rankingMetrics(Float32Array.of(0.1, 0.2), Float32Array.of(0.8, 0.9)).rocAuc).toBe(0);
  });
});
