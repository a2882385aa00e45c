import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROUNDS_AHEAD, SeqAllocator, SeqError } from "./seq.ts";
import { fillUp, mountSmallTmpfs } from "./testing/full-disk.ts";

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

test("close(firstUnused) gives back numbers taken but never stored; never more than were taken", () => {
  const dir = fresh();
  const a = new SeqAllocator(dir, 100);
  for (let i = 0; i < 10; i++) a.take(); // 1..10 taken; say 8..10 were never stored
  expect(a.close(8)).toBeUndefined();
  expect(JSON.parse(readFileSync(join(dir, "seq.json"), "utf8")).next).toBe(8);
  const b = new SeqAllocator(dir, 100);
  expect(b.take()).toBe(8);
  expect(b.close(50)).toBeUndefined(); // past what was taken: the exact next number
  expect(new SeqAllocator(dir, 100).peek()).toBe(9);
});

test("reserve(n) reserves the next block ahead when fewer than half a block would be left (rounds up to an eighth of a block)", () => {
  const dir = fresh();
  const a = new SeqAllocator(dir, 100);
  const mark = () => JSON.parse(readFileSync(join(dir, "seq.json"), "utf8")).next;
  expect(a.reserve(12)).toBe(true);
  expect(mark()).toBe(101); // 100 left, 88 after the round: enough ahead
  for (let i = 0; i < 40; i++) a.take();
  expect(a.reserve(12)).toBe(true);
  expect(mark()).toBe(201); // 60 left, 48 after the round: the next block is reserved now
  expect(a.available).toBeGreaterThanOrEqual(112);
});

test(`large rounds: reserve(n) keeps ${ROUNDS_AHEAD} rounds ahead, so the file is written every few rounds, not every round; a crash still never repeats`, () => {
  const dir = fresh();
  const a = new SeqAllocator(dir, 100);
  const mark = () => JSON.parse(readFileSync(join(dir, "seq.json"), "utf8")).next as number;
  let writes = 0;
  let last = mark();
  const taken: number[] = [];
  for (let round = 0; round < 60; round++) {
    expect(a.reserve(40)).toBe(true); // like the runtime: room for a point and an event per sample
    for (let i = 0; i < 20; i++) taken.push(a.take()); // ... of which the points are taken
    if (mark() !== last) writes++;
    last = mark();
    expect(last).toBeGreaterThan(taken[taken.length - 1]!); // the mark on disk is always past every number handed out
  }
  // 1200 numbers in 60 rounds; a block-sized reservation (100) would have meant a write every 2–3 rounds
  expect(writes).toBeLessThanOrEqual(6);
  expect(writes).toBeGreaterThanOrEqual(4);
  // a crash (no close): the next run starts at the mark, past everything taken, within the reservation ahead
  const b = new SeqAllocator(dir, 100);
  const next = b.take();
  expect(next).toBeGreaterThan(taken[taken.length - 1]!);
  expect(next - taken[taken.length - 1]!).toBeLessThanOrEqual(40 + ROUNDS_AHEAD * 40 + 1);
  expect(new Set(taken).size).toBe(taken.length);
});

test("temp files have unique names and stale ones (a crash mid-write) are removed at start", () => {
  const dir = fresh();
  writeFileSync(join(dir, "seq.json.tmp"), "{");
  writeFileSync(join(dir, "seq.json.4242.abcd.tmp"), "{");
  const a = new SeqAllocator(dir, 5);
  for (let i = 0; i < 12; i++) a.take();
  a.close();
  expect(readdirSync(dir).sort()).toEqual(["seq.json"]);
});

test("the file is written padded to a fixed size (it can be rewritten in place)", () => {
  const dir = fresh();
  new SeqAllocator(dir, 5).close();
  expect(statSync(join(dir, "seq.json")).size).toBe(64);
});

// A real full file system: a 64 KiB tmpfs (needs root; skipped with the reason otherwise).
const small = mountSmallTmpfs(join(fresh(), "m"), "64k");
const { dir: mountDir, cannotMount: noMount } = small;
if (noMount) console.log(`[seq] full-disk tests skipped: ${noMount}`);
afterAll(small.unmount);

const fill = (dir: string): number => fillUp(dir, `filler-${Math.random()}`);

describe.skipIf(noMount !== undefined)("on a full file system (64 KiB tmpfs)", () => {
  test("an existing sequence file is rewritten in place: reservations, a restart and a clean close all work", () => {
    const dir = join(mountDir, "a");
    mkdirSync(dir);
    const a = new SeqAllocator(dir, 5);
    fill(mountDir);
    expect(() => writeFileSync(join(dir, "probe"), "x")).toThrow(/ENOSPC/);
    const taken = Array.from({ length: 12 }, () => a.take()); // crosses two block boundaries
    expect(taken).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(JSON.parse(readFileSync(join(dir, "seq.json"), "utf8")).next).toBe(16);
    // a crash, then a start on the full disk: continues after the mark, never repeats
    const b = new SeqAllocator(dir, 5);
    expect(b.lastError).toBeUndefined();
    expect(b.take()).toBe(16);
    expect(b.close()).toBeUndefined();
    expect(new SeqAllocator(dir, 5).peek()).toBe(17);
  });

  test("no sequence file and no space: the start does not throw; reserve() says no, take() throws a SeqError marked full", () => {
    const dir = join(mountDir, "b");
    mkdirSync(dir);
    fill(mountDir);
    const a = new SeqAllocator(dir, 5);
    expect(a.lastError).toMatch(/seq\.json: cannot write sequence file: .*ENOSPC/);
    expect(a.reserve(3)).toBe(false);
    let err: unknown;
    try {
      a.take();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SeqError);
    expect((err as SeqError).full).toBe(true);
    expect(readdirSync(dir)).toEqual([]); // no temp file left behind
  });
});
