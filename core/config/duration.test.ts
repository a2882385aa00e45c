import { describe, expect, test } from "bun:test";
import { formatDuration, parseDuration } from "./duration.ts";

describe("parseDuration", () => {
  test("parses units to milliseconds", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("1s")).toBe(1000);
    expect(parseDuration("10s")).toBe(10_000);
    expect(parseDuration("2m")).toBe(120_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("1.5s")).toBe(1500);
  });
  test("a number is seconds", () => {
    expect(parseDuration(15)).toBe(15_000);
    expect(parseDuration(0.25)).toBe(250);
  });
  test("rejects what is not a duration", () => {
    for (const bad of ["", "10", "10 sec", "s", "1x", "-1s", "1s2"]) expect(parseDuration(bad)).toBeUndefined();
    expect(parseDuration(Number.NaN)).toBeUndefined();
  });
});

describe("formatDuration", () => {
  test("round-trips readable forms", () => {
    expect(formatDuration(500)).toBe("500ms");
    expect(formatDuration(90_000)).toBe("1m30s");
    expect(formatDuration(3_600_000)).toBe("1h");
    expect(formatDuration(1500)).toBe("1s500ms");
  });
});
