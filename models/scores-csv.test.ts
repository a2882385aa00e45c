import { expect, test } from "bun:test";
import { formatScoresCsv } from "./scores-csv.ts";

test("scores CSV: a non-finite score is written as 1 and flagged, never NaN", () => {
  const csv = formatScoresCsv(
    Float64Array.of(0, 60_000, 120_000),
    Float64Array.of(1, 1e308, Number.NaN),
    Float32Array.of(0.25, Number.NaN, Number.POSITIVE_INFINITY),
    0.5,
  );
  expect(csv.split("\n").slice(1, 4)).toEqual([
    "1970-01-01T00:00:00Z,1,0.250000,0",
    "1970-01-01T00:01:00Z,1e+308,1.000000,1",
    "1970-01-01T00:02:00Z,,1.000000,1",
  ]);
  expect(csv).not.toContain("NaN");
});
