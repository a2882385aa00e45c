import { describe, expect, test } from "bun:test";
import { labelsWith, record } from "./testing/fixtures.ts";
import { groupBySeries, labelledWindows, windowsFromLabels } from "./windows.ts";

describe("windows", () => {
  test("label runs become unknown windows, including at both ends", () => {
    expect(windowsFromLabels(Uint8Array.of(1, 1, 0, 0, 1, 0, 1))).toEqual([
      { start: 0, end: 1, type: "unknown" },
      { start: 4, end: 4, type: "unknown" },
      { start: 6, end: 6, type: "unknown" },
    ]);
  });

  test("metadata wins when present; indices are clamped and empty ranges dropped", () => {
    const labels = labelsWith(10, [[1, 2]]);
    const recs = [record("s", "spike", 8, 14), record("s", "dip", 12, 15), record("s", "drift", -3, 1)];
    expect(labelledWindows(labels, recs)).toEqual([
      { start: 8, end: 9, type: "spike" },
      { start: 0, end: 1, type: "drift" },
    ]);
    expect(labelledWindows(labels, undefined)).toEqual([{ start: 1, end: 2, type: "unknown" }]);
    expect(labelledWindows(labels, [])).toEqual([{ start: 1, end: 2, type: "unknown" }]);
  });

  test("groupBySeries keeps order", () => {
    const g = groupBySeries([record("a", "spike", 1, 1), record("b", "dip", 2, 2), record("a", "flatline", 3, 4)]);
    expect(g.get("a")!.map((r) => r.type)).toEqual(["spike", "flatline"]);
    expect(g.get("b")).toHaveLength(1);
  });
});
