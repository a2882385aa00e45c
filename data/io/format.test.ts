import { describe, expect, test } from "bun:test";
import { formatSeriesCsv, formatSeriesJsonl, formatValue } from "./format.ts";

const t0 = Date.UTC(2026, 0, 1);
const series = {
  name: "s",
  timestamps: new Float64Array([t0, t0 + 60_000, t0 + 120_000]),
  values: new Float64Array([1.23456, NaN, 1e-7]),
  labels: new Uint8Array([0, 1, 0]),
};

describe("formatValue", () => {
  test.each([
    [1.23456, "1.2346"],
    [2, "2"],
    [0.1 + 0.2, "0.3"],
    [-0.00001, "0"],
    [123456.78901, "123456.789"],
    [NaN, ""],
  ])("%p -> %p", (v, s) => expect(formatValue(v)).toBe(s));
});

describe("series encoders", () => {
  test("CSV: header, ISO timestamps, empty field for a gap", () => {
    expect(formatSeriesCsv(series)).toBe("timestamp,value,label\n2026-01-01T00:00:00Z,1.2346,0\n2026-01-01T00:01:00Z,,1\n2026-01-01T00:02:00Z,0,0\n");
    expect(formatSeriesCsv({ ...series, labels: undefined }).split("\n")[0]).toBe("timestamp,value");
  });
  test("JSONL: null for a gap, parseable lines", () => {
    const lines = formatSeriesJsonl(series).trimEnd().split("\n");
    expect(lines[1]).toBe('{"timestamp":"2026-01-01T00:01:00Z","value":null,"label":1}');
    expect(lines.map((l) => JSON.parse(l).value)).toEqual([1.2346, null, 0]);
  });
});
