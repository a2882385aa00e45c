import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { mkdtemp, writeFile } from "node:fs/promises";
import { parseSeriesCsv, readSeriesCsv } from "./csv.ts";
import { DataError } from "./errors.ts";

const F = "data/bad.csv";
/** Assert parsing `text` fails with a one-line DataError naming the file, line and problem. */
function expectError(text: string, pattern: RegExp, line?: number): void {
  let err: unknown;
  try {
    parseSeriesCsv(text, F);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DataError);
  const d = err as DataError;
  expect(d.file).toBe(F);
  expect(d.line).toBe(line);
  expect(d.message.startsWith(line === undefined ? `${F}: ` : `${F}:${line}: `)).toBe(true);
  expect(d.message).not.toContain("\n");
  expect(d.message).toMatch(pattern);
}

describe("parseSeriesCsv", () => {
  test("accepts NAB files (timestamp,value with space-separated timestamps)", () => {
    const s = parseSeriesCsv("timestamp,value\r\n2014-04-01 00:00:00,20.5\r\n2014-04-01 00:05:00,21\r\n", "x/nyc_taxi.csv");
    expect(s.name).toBe("nyc_taxi");
    expect(Array.from(s.timestamps)).toEqual([Date.UTC(2014, 3, 1), Date.UTC(2014, 3, 1, 0, 5)]);
    expect(Array.from(s.values)).toEqual([20.5, 21]);
    expect(s.labels).toBeUndefined();
  });

  test("accepts labels, gaps, epoch seconds and ms, a BOM and blank lines", () => {
    const s = parseSeriesCsv("\ufeffTimestamp,Value,Label\n1700000000,1,0\n\n1700000060000,,1\n", F);
    expect(Array.from(s.timestamps)).toEqual([1.7e12, 1.7e12 + 60_000]);
    expect(s.values[1]).toBeNaN();
    expect(Array.from(s.labels!)).toEqual([0, 1]);
  });

  test("error cases name the file, line and problem", () => {
    expectError("", /empty file/);
    expectError("  \n", /empty file/);
    expectError("time,value\n2020-01-01,1\n", /bad header "time,value"/, 1);
    expectError("timestamp,value,label,extra\n", /bad header/, 1);
    expectError("timestamp,value\n", /no data rows/);
    expectError("timestamp,value\n2020-01-01T00:00:00Z,1,0\n", /wrong column count: expected 2, got 3/, 2);
    expectError("timestamp,value\n2020-01-01T00:00:00Z,1\nnope,2\n", /unparseable timestamp "nope"/, 3);
    expectError("timestamp,value\n2020-01-01T00:00:00Z,abc\n", /non-numeric value "abc"/, 2);
    expectError("timestamp,value\n2020-01-01T00:00:00Z,0x1F\n", /non-numeric value/, 2);
    expectError("timestamp,value\n2020-01-01T00:00:00Z,NaN\n", /non-finite value "NaN"/, 2);
    expectError("timestamp,value\n2020-01-01T00:00:00Z,-inf\n", /non-finite value/, 2);
    expectError("timestamp,value\n2020-01-01T00:00:00Z,Infinity\n", /non-finite value/, 2);
    expectError("timestamp,value\n2020-01-01T00:00:00Z,1e999\n", /non-finite value/, 2);
    expectError("timestamp,value,label\n2020-01-01T00:00:00Z,1,2\n", /label must be 0 or 1, got "2"/, 2);
    expectError("timestamp,value,label\n2020-01-01T00:00:00Z,1,\n", /label must be 0 or 1/, 2);
    expectError("timestamp,value\n2020-01-01T00:01:00Z,1\n2020-01-01T00:00:00Z,1\n", /timestamps not sorted/, 3);
    expectError("timestamp,value\n2020-01-01T00:01:00Z,1\n2020-01-01 00:01:00,1\n", /duplicate timestamp 2020-01-01T00:01:00Z/, 3);
  });
});

describe("readSeriesCsv", () => {
  test("reads a file; a missing file is a DataError naming it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "csv-"));
    const path = join(dir, "a.csv");
    await writeFile(path, "timestamp,value\n2020-01-01T00:00:00Z,1\n");
    expect((await readSeriesCsv(path)).name).toBe("a");
    const missing = join(dir, "missing.csv");
    await expect(readSeriesCsv(missing)).rejects.toThrow(`${missing}: file not found`);
    await expect(readSeriesCsv(dir)).rejects.toBeInstanceOf(DataError);
  });
});
