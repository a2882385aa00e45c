import { describe, expect, test } from "bun:test";
import { predictedEvents } from "./events.ts";

const flags = (s: string): Uint8Array => Uint8Array.from(s, (c) => (c === "1" ? 1 : 0));

describe("predictedEvents", () => {
  test("runs separated by fewer than mergeGap unflagged points merge", () => {
    // gaps: 2 (indices 2-3), then 5 (indices 6-10)
    expect(predictedEvents(flags("1100110000011"), 3)).toEqual([
      { start: 0, end: 5 },
      { start: 11, end: 12 },
    ]);
    expect(predictedEvents(flags("1100110000011"), 6)).toEqual([{ start: 0, end: 12 }]);
  });

  test("a gap equal to mergeGap does not merge", () => {
    expect(predictedEvents(flags("10001"), 3)).toEqual([
      { start: 0, end: 0 },
      { start: 4, end: 4 },
    ]);
    expect(predictedEvents(flags("10001"), 4)).toEqual([{ start: 0, end: 4 }]);
  });

  test("mergeGap 0 keeps every run; empty and all-flagged inputs", () => {
    expect(predictedEvents(flags("1010"), 0)).toHaveLength(2);
    expect(predictedEvents(flags(""), 5)).toEqual([]);
    expect(predictedEvents(flags("0000"), 5)).toEqual([]);
    expect(predictedEvents(flags("111"), 5)).toEqual([{ start: 0, end: 2 }]);
  });
});
