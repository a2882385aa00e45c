import { afterAll, expect, test } from "bun:test";
import { openSync, closeSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileReader } from "./read.ts";
import { scanNumbers } from "./round.ts";

const tmp = await mkdtemp(join(tmpdir(), "procfs-read-"));
afterAll(() => rm(tmp, { recursive: true, force: true }));

test("reads a file larger than the starting buffer whole; a file over the cap is cut at its last full line", async () => {
  const big = join(tmp, "big");
  const line = "0123456789abcdef\n"; // 17 bytes
  await writeFile(big, line.repeat(5000)); // 85 000 bytes > the 16 KiB start buffer
  const r = new FileReader(1 << 20);
  expect(r.read(big)).toBe(line.repeat(5000));
  expect(r.truncated).toBe(false);
  const capped = new FileReader(100);
  expect(capped.read(big)).toBe(line.repeat(5)); // 85 bytes: the 6th line would end past 100
  expect(capped.truncated).toBe(true);
  const exact = join(tmp, "exact");
  await writeFile(exact, "x".repeat(99) + "\n");
  expect(capped.read(exact)).toBe("x".repeat(99) + "\n");
  expect(capped.truncated).toBe(false);
  const fd = openSync(big, "r");
  try {
    const n = capped.readFdBytes(fd);
    expect(n).toBe(85);
    expect(capped.truncated).toBe(true);
    expect(capped.readFdBytes(fd)).toBe(85); // re-read from offset 0
  } finally {
    closeSync(fd);
  }
});

test("scanNumbers: integers without allocation, other tokens through Number, garbage as NaN", () => {
  const out: number[] = [];
  expect(scanNumbers("cpu0 1 22\t333  -4 5.5 x7", 4, 26, out)).toBe(6);
  expect(out.slice(0, 5)).toEqual([1, 22, 333, -4, 5.5]);
  expect(out[5]).toBeNaN();
  expect(scanNumbers("   ", 0, 3, out)).toBe(0);
});
