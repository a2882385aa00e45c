import { describe, expect, test } from "bun:test";
import { DataError } from "./errors.ts";
import { parseSeriesJsonl } from "./jsonl.ts";

const F = "d/s.jsonl";
function expectError(text: string, pattern: RegExp, line?: number): void {
  let err: unknown;
  try {
    parseSeriesJsonl(text, F, { strictTime: true, strictRows: true });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DataError);
  expect((err as DataError).line).toBe(line);
  expect((err as DataError).message).toMatch(new RegExp(`^${F}${line ? `:${line}` : ""}: `));
  expect((err as DataError).message).not.toContain("\n");
  expect((err as DataError).message).toMatch(pattern);
}

describe("parseSeriesJsonl", () => {
  test("reads values, null gaps, labels and epoch timestamps", () => {
    const s = parseSeriesJsonl('{"timestamp":"2026-01-01T00:00:00Z","value":1.5,"label":0}\n{"timestamp":1767225660,"value":null,"label":1}\n', F);
    expect(s.name).toBe("s");
    expect(Array.from(s.timestamps)).toEqual([Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 0, 1)]);
    expect(s.values[0]).toBe(1.5);
    expect(s.values[1]).toBeNaN();
    expect(Array.from(s.labels!)).toEqual([0, 1]);
    expect(parseSeriesJsonl('{"timestamp":"2026-01-01T00:00:00Z","value":2}', F).labels).toBeUndefined();
  });

  test("lenient by default: bad rows skipped, bad values gaps, counted", () => {
    const s = parseSeriesJsonl(
      '{"timestamp":"x","value":1}\n{"timestamp":"2026-01-01T00:00:00Z","value":"NaN"}\n{"timestamp":"2026-01-01T00:00:00Z","value":2}\n',
      F,
    );
    expect(s.values.length).toBe(2);
    expect(s.values[0]).toBeNaN();
    expect(s.notes).toMatchObject({ skipped: 1, badValues: 1, repeated: 1 });
  });

  test("error cases (strict)", () => {
    const ok = '{"timestamp":"2026-01-01T00:00:00Z","value":1}\n';
    expectError("", /empty file/);
    expectError("{nope\n", /invalid JSON/, 1);
    expectError("[1,2]\n", /expected a JSON object/, 1);
    expectError('{"value":1}\n', /missing "timestamp"/, 1);
    expectError('{"timestamp":"x","value":1}\n', /unparseable timestamp/, 1);
    expectError('{"timestamp":"2026-01-01T00:00:00Z"}\n', /missing "value"/, 1);
    expectError('{"timestamp":"2026-01-01T00:00:00Z","value":"abc"}\n', /non-numeric value/, 1);
    expectError('{"timestamp":"2026-01-01T00:00:00Z","value":"NaN"}\n', /non-finite value/, 1);
    expectError('{"timestamp":"2026-01-01T00:00:00Z","value":1e999}\n', /non-finite value/, 1);
    expectError('{"timestamp":"2026-01-01T00:00:00Z","value":1,"label":3}\n', /label must be 0 or 1/, 1);
    expectError(ok + '{"timestamp":"2026-01-01T00:01:00Z","value":1,"label":1}\n', /unexpected "label"/, 2);
    expectError(ok + ok, /duplicate timestamp/, 2);
  });
});
