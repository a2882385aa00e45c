import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync, chmodSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SeqAllocator, SeqError } from "./seq.ts";

const fresh = () => mkdtempSync(join(tmpdir(), "seq-"));

test("increases by one and continues exactly after a clean close", () => {
  const dir = fresh();
  const a = new SeqAllocator(dir, 5);
  expect([a.take(), a.take(), a.take()]).toEqual([1, 2, 3]);
  a.close();
  const b = new SeqAllocator(dir, 5);
  expect(b.take()).toBe(4);
});

test("never repeats after a crash (no close), across block boundaries", () => {
  const dir = fresh();
  const a = new SeqAllocator(dir, 5);
  const seen = new Set<number>();
  for (let i = 0; i < 12; i++) seen.add(a.take());
  // crash: no close()
  const b = new SeqAllocator(dir, 5);
  const next = b.take();
  expect(seen.has(next)).toBe(false);
  expect(next).toBeGreaterThan(12);
  expect(next).toBeLessThanOrEqual(12 + 5 + 1);
});

test("a corrupt sequence file is refused by path, not reset to 1", () => {
  const dir = fresh();
  writeFileSync(join(dir, "seq.json"), '{"next": "x"}');
  expect(() => new SeqAllocator(dir)).toThrow(SeqError);
  expect(() => new SeqAllocator(dir)).toThrow(/seq\.json/);
});

test("an unwritable data dir gives an error naming the path", () => {
  if (process.getuid?.() === 0) {
    // root ignores permissions; use a path under a file instead
    const dir = fresh();
    writeFileSync(join(dir, "file"), "");
    expect(() => new SeqAllocator(join(dir, "file", "sub"))).toThrow(/file\/sub\/seq\.json/);
    return;
  }
  const dir = fresh();
  mkdirSync(join(dir, "ro"));
  chmodSync(join(dir, "ro"), 0o500);
  expect(() => new SeqAllocator(join(dir, "ro"))).toThrow(/seq\.json/);
});

test("the file holds the reservation mark", () => {
  const dir = fresh();
  const a = new SeqAllocator(dir, 100);
  a.take();
  expect(JSON.parse(readFileSync(join(dir, "seq.json"), "utf8")).next).toBe(101);
});
