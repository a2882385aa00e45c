import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { mkdtemp, writeFile } from "node:fs/promises";
import { parseSeriesCsv, readSeriesCsv } from "./csv.ts";
import { describeNotes } from "./rows.ts";
import { DataError } from "./errors.ts";

const F = "data/bad.csv";
/** Assert parsing `text` fails with a one-line DataError naming the file, line and problem. */
function expectError(text: string, pattern: RegExp, line?: number, strict = true): void {
  let err: unknown;
  try {
    parseSeriesCsv(text, F, strict ? { strictTime: true, strictRows: true } : {});
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
    expectError("value,label\n", /bad header/, 1);
    expectError("timestamp,value\n", /no data rows/);
    expectError("timestamp,value\n2020-01-01T00:00:00Z\n", /wrong column count: expected 2, got 1/, 2);
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

describe("parseSeriesCsv, lenient by default (real exports)", () => {
  test("repeated and backwards timestamps are kept in file order and counted", () => {
    // the repeated hour of a daylight-saving change, then a duplicated row
    const text =
      "timestamp,value\n2014-03-09 01:00:00,1\n2014-03-09 01:30:00,2\n2014-03-09 01:00:00,3\n2014-03-09 01:30:00,4\n2014-03-09 01:30:00,5\n2014-03-09 02:00:00,6\n";
    const s = parseSeriesCsv(text, F);
    expect(Array.from(s.values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.notes).toMatchObject({ repeated: 2, outOfOrder: 1, skipped: 0, badValues: 0, firstTimeLine: 4 });
    expect(describeNotes(F, s.notes!)).toBe(`${F}: 3 rows repeat or go back in time (first at line 4); scored in file order (--strict-time refuses them)`);
    expect(() => parseSeriesCsv(text, F, { strictTime: true })).toThrow(/timestamps not sorted/);
  });

  test("quoted fields (RFC 4180), extra columns in any order, CRLF and a BOM are read", () => {
    const text = '\ufeff"value","note","timestamp"\r\n"1.5","a, ""quoted""\r\nnote",2020-01-01T00:00:00Z\r\n2,,"2020-01-01T00:01:00Z"\r\n';
    const s = parseSeriesCsv(text, F);
    expect(Array.from(s.values)).toEqual([1.5, 2]);
    expect(Array.from(s.timestamps)).toEqual([Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 1, 0, 1)]);
    expect(s.notes).toBeUndefined();
  });

  test("NaN/inf and non-numbers are counted gaps; malformed rows are skipped and counted", () => {
    const s = parseSeriesCsv("timestamp,value\n2020-01-01T00:00:00Z,NaN\nnope,2\n2020-01-01T00:02:00Z,inf\n2020-01-01T00:03:00Z\n2020-01-01T00:04:00Z,4\n", F);
    expect(s.values.length).toBe(3);
    expect(s.values[0]).toBeNaN();
    expect(s.values[1]).toBeNaN();
    expect(s.values[2]).toBe(4);
    expect(s.notes).toMatchObject({ skipped: 2, badValues: 2, firstSkippedLine: 3, firstBadValueLine: 2 });
    expect(describeNotes(F, s.notes!)).toContain('2 malformed rows skipped (first at line 3: unparseable timestamp "nope")');
  });

  test("a file with no parsable row is one clear error naming the file", () => {
    expectError("timestamp,value\nx,1\ny,2\n", /no parsable data row \(2 malformed, first at line 2: unparseable timestamp "x"\)/, undefined, false);
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
