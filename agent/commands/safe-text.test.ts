import { expect, test } from "bun:test";
import fc from "fast-check";
import { terminalSafe } from "./safe-text.ts";

test("escape sequences, bells, carriage returns and bidi overrides come out as visible text", () => {
  expect(terminalSafe("edge\u001b]0;pwned\u0007")).toBe("edge\\x1b]0;pwned\\x07");
  expect(terminalSafe("\u001b[2J\u001b[H\rok\n")).toBe("\\x1b[2J\\x1b[H\\x0dok\\x0a");
  expect(terminalSafe("\u009b31mred")).toBe("\\x9b31mred");
  expect(terminalSafe("abc\u202edcba")).toBe("abc\\u202edcba");
  expect(terminalSafe("x".repeat(100), 10)).toBe(`${"x".repeat(9)}…`);
  expect(terminalSafe("host-01.example ü")).toBe("host-01.example ü");
});

test("property: nothing a terminal interprets survives", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
      // eslint-disable-next-line no-control-regex
      expect(terminalSafe(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/);
    }),
    { numRuns: 2000 },
  );
});
