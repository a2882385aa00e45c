import { describe, expect, test } from "bun:test";
import { evaluate, flagPoints } from "./evaluate.ts";
import { labelsWith, record, series } from "./testing/fixtures.ts";

describe("evaluate", () => {
  test("a perfect detector scores 1.0 everywhere", () => {
    const labels = [0, 0, 1, 1, 0, 0, 0, 0, 1, 0];
    const r = evaluate([series("a", labels, labels)], []);
    for (const k of ["precision", "recall", "f1", "event_precision", "event_recall", "event_f1", "pr_auc", "roc_auc"] as const) {
      expect(r[k]).toBe(1);
    }
    expect(r.mean_time_to_detect_points).toBe(0);
    expect(r.mean_time_to_detect_seconds).toBe(0);
    expect(r.fp_per_1k).toBe(0);
    expect(r.counts).toEqual({
      series: 1,
      points: 10,
      anomalous_points: 3,
      normal_points: 7,
      flagged_points: 3,
      windows: 2,
      detected_windows: 2,
      predicted_events: 1,
      matched_events: 1, // gap of 4 < 5 merges
    });
  });

  test("all-zero scores flag nothing; PR-AUC is the base rate and ROC-AUC 0.5", () => {
    const labels = [0, 0, 1, 1, 0, 0, 0, 0, 1, 0];
    const r = evaluate([series("a", labels, new Array(10).fill(0))], []);
    expect([r.precision, r.recall, r.f1, r.event_precision, r.event_recall, r.event_f1]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(r.pr_auc).toBeCloseTo(0.3, 12);
    expect(r.roc_auc).toBe(0.5);
    expect(r.mean_time_to_detect_points).toBeNull();
    expect(r.mean_time_to_detect_seconds).toBeNull();
    expect(r.counts.predicted_events).toBe(0);
  });

  test("hand-computed mixed case", () => {
    const labels = [0, 0, 1, 1, 1, 0, 0, 0, 0, 0];
    const scores = [0.1, 0.6, 0.2, 0.7, 0.9, 0, 0, 0.8, 0, 0];
    const s = series("a", labels, scores);
    const r = evaluate([s], [], { mergeGap: 5 });
    expect(r.precision).toBe(0.5);
    expect(r.recall).toBeCloseTo(2 / 3, 12);
    expect(r.f1).toBeCloseTo((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3), 12);
    expect(r.counts.predicted_events).toBe(1); // runs [1], [3,4], [7] merge (gaps 1 and 2 < 5)
    expect(r.event_precision).toBe(1);
    expect(r.event_recall).toBe(1);
    expect(r.mean_time_to_detect_points).toBe(1);
    expect(r.mean_time_to_detect_seconds).toBe(60);
    expect(r.fp_per_1k).toBeCloseTo((2 / 7) * 1000, 9);
    expect(r.pr_auc).toBeCloseTo((1 + 2 / 3 + 3 / 5) / 3, 6);
    expect(r.roc_auc).toBeCloseTo(18 / 21, 12);
    const unmerged = evaluate([s], [], { mergeGap: 1 });
    expect(unmerged.counts.predicted_events).toBe(3);
    expect(unmerged.event_precision).toBeCloseTo(1 / 3, 12);
    expect(unmerged.event_f1).toBeCloseTo(0.5, 12);
  });

  test("tied scores move precision/recall in one step", () => {
    const r = evaluate([series("a", [1, 1, 0, 0], [0.5, 0.5, 0.5, 0.1])], []);
    expect(r.pr_auc).toBeCloseTo(2 / 3, 12);
    expect(r.roc_auc).toBe(0.75);
  });

  test("one event overlapping two windows detects both and counts once", () => {
    const n = 16;
    const s = series(
      "a",
      labelsWith(n, [
        [2, 3],
        [6, 7],
        [12, 13],
      ]),
      new Array(n).fill(0),
    );
    s.scores[3] = 0.9;
    s.scores[6] = 0.9;
    const anomalies = [record("a", "spike", 2, 3), record("a", "dip", 6, 7), record("a", "level_shift", 12, 13)];
    const r = evaluate([s], anomalies);
    expect(r.counts.predicted_events).toBe(1);
    expect(r.event_precision).toBe(1);
    expect(r.event_recall).toBeCloseTo(2 / 3, 12);
    expect(r.mean_time_to_detect_points).toBe(0.5); // (1 + 0) / 2
    expect(r.recall_by_type).toEqual({
      spike: { recall: 1, detected: 1, count: 1 },
      dip: { recall: 1, detected: 1, count: 1 },
      level_shift: { recall: 0, detected: 0, count: 1 },
    });
  });

  test("windows come from labels (type unknown) when a series has no metadata", () => {
    const a = series("a", [0, 1, 1, 0, 0, 1, 0], [0, 0.9, 0, 0, 0, 0, 0]);
    const b = series("b", [0, 0, 1, 1, 1, 0, 0], [0, 0, 0, 0, 0.7, 0, 0]);
    const r = evaluate([a, b], [record("b", "drift", 2, 4)]);
    expect(r.counts.windows).toBe(3);
    expect(r.recall_by_type.unknown).toEqual({ recall: 0.5, detected: 1, count: 2 });
    expect(r.recall_by_type.drift).toEqual({ recall: 1, detected: 1, count: 1 });
    expect(Object.keys(r.recall_by_type)).toEqual(["drift", "unknown"]);
    expect(r.mean_time_to_detect_points).toBe(1); // (0 + 2) / 2
  });

  test("NaN scores count as 0 and the result survives JSON", () => {
    const r = evaluate([series("a", [0, 1, 1, 0], [Number.NaN, Number.NaN, 0.8, 0.1])], []);
    expect(r.recall).toBe(0.5);
    expect(r.roc_auc).toBe(0.625); // pos {0, 0.8} vs neg {0, 0.1}: (2 + 0.5) / 4
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  test("no labels at all: AUCs are null, other ratios 0", () => {
    const r = evaluate([series("a", [0, 0, 0], [0.9, 0, 0])], []);
    expect(r.pr_auc).toBeNull();
    expect(r.roc_auc).toBeNull();
    expect(r.event_precision).toBe(0);
    expect(r.fp_per_1k).toBeCloseTo(1000 / 3, 9);
  });

  test("rejects columns of different lengths", () => {
    const s = series("bad", [0, 1], [0, 1]);
    s.scores = new Float32Array(3);
    expect(() => evaluate([s], [])).toThrow(RangeError);
  });

  test("flagPoints uses score >= threshold with NaN as 0", () => {
    expect([...flagPoints(Float32Array.of(0.5, 0.49, Number.NaN, 1), 0.5)]).toEqual([1, 0, 0, 1]);
  });
});
