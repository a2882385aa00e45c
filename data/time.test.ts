import { describe, expect, test } from "bun:test";
import { formatIso, formatIsoAll, parseTimestamp } from "./time.ts";

describe("parseTimestamp", () => {
  const t = Date.UTC(2014, 3, 1, 0, 5, 0);
  test.each([
    ["2014-04-01 00:05:00", t],
    ["2014-04-01T00:05:00", t],
    ["2014-04-01T00:05:00Z", t],
    ["2014-04-01T00:05:00.000Z", t],
    ["2014-04-01 00:05:00.000000", t],
    ["2014-04-01T00:05", t],
    ["2014-04-01T02:05:00+02:00", t],
    ["2014-03-31T22:05:00-0200", t],
    ["1396310700", t],
    ["1396310700000", t],
    ["1396310700.5", t + 500],
  ])("%s", (s, want) => expect(parseTimestamp(s)).toBe(want));

  test.each(["", "yesterday", "2014-13-01 00:00:00", "2014-02-30T00:00:00Z", "2014-04-01T24:00:00Z", "2014/04/01 00:00:00", "-5"])("rejects %p", (s) =>
    expect(parseTimestamp(s)).toBeNaN(),
  );

  test("leap day", () => expect(parseTimestamp("2024-02-29T00:00:00Z")).toBe(Date.UTC(2024, 1, 29)));
});

describe("formatIso", () => {
  test("drops zero milliseconds only", () => {
    expect(formatIso(Date.UTC(2026, 0, 1))).toBe("2026-01-01T00:00:00Z");
    expect(formatIso(Date.UTC(2026, 0, 1) + 250)).toBe("2026-01-01T00:00:00.250Z");
    expect(formatIsoAll(new Float64Array([0, 60_000]))).toEqual(["1970-01-01T00:00:00Z", "1970-01-01T00:01:00Z"]);
  });
});
