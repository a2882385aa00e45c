import { describe, expect, test } from "bun:test";
import { evaluate } from "./evaluate.ts";
import { labelsWith, record, series } from "./testing/fixtures.ts";
import { alignColumns, formatComparisonTable } from "./table.ts";

const labels = labelsWith(20, [
  [3, 5],
  [12, 13],
]);
const anomalies = [record("s", "spike", 3, 5), record("s", "flatline", 12, 13)];
const good = evaluate([series("s", labels, labels)], anomalies);
const bad = evaluate([series("s", labels, new Array(20).fill(0.1))], anomalies);

describe("formatComparisonTable", () => {
  test("has a row per model and per-type recall below", () => {
    const text = formatComparisonTable([
      { model: "autoencoder", result: good, fitSeconds: 12.34, throughput: 45_678 },
      { model: "robust-zscore", result: bad },
    ]);
    console.log(text);
    expect(text).toContain("autoencoder");
    expect(text).toContain("robust-zscore");
    for (const h of ["F1", "event-F1", "PR-AUC", "ROC-AUC", "TTD", "FP/1k", "fit s", "windows/s", "recall by type"]) {
      expect(text).toContain(h);
    }
    expect(text).toContain("45.7k");
    expect(text).toMatch(/spike\s+1\.000 \(1\/1\)\s+0\.000 \(0\/1\)/);
    expect(text.indexOf("spike")).toBeLessThan(text.indexOf("flatline"));
  });

  test("omits fit and throughput columns when no row has them", () => {
    const text = formatComparisonTable([{ model: "m", result: good }]);
    expect(text).not.toContain("fit s");
    expect(text).not.toContain("windows/s");
  });

  test("alignColumns right-aligns numbers under their header", () => {
    const lines = alignColumns(
      ["model", "F1"],
      [
        ["a", "0.5"],
        ["long-name", "1.000"],
      ],
    ).split("\n");
    expect(lines.map((l) => l.length)).toEqual([16, 16, 16, 16]);
    expect(lines[2].endsWith("  0.5")).toBe(true);
  });
});
