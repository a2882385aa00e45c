import { expect, test } from "bun:test";
import { parseSize } from "./size.ts";

test("binary and decimal units, spaces, plain bytes", () => {
  expect(parseSize("256MiB")).toBe(256 * 1024 * 1024);
  expect(parseSize("8 MiB")).toBe(8 * 1024 * 1024);
  expect(parseSize("1GiB")).toBe(1024 ** 3);
  expect(parseSize("500MB")).toBe(500_000_000);
  expect(parseSize("1.5KB")).toBe(1500);
  expect(parseSize("64kib")).toBe(65_536);
  expect(parseSize("4096")).toBe(4096);
  expect(parseSize(4096)).toBe(4096);
});

test("anything else is not a size", () => {
  for (const bad of ["", "MiB", "-1MiB", "1 PiB", "ten", "1e6", "1MiBs"]) expect(parseSize(bad)).toBeUndefined();
  expect(parseSize(-5)).toBeUndefined();
  expect(parseSize(Number.NaN)).toBeUndefined();
});
