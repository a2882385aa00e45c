/** Disk-only behaviour: restarts, segment files, corruption, unusable directories. */
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BufferError } from "../buffer.ts";
import { waitFor } from "../../testing/wait-for.ts";
import { seqs, testRecords } from "../testing/fixtures.ts";
import { DiskBuffer, type DiskBufferOptions } from "./disk.ts";
import { FORMAT_VERSION, SegmentVersionError } from "./format.ts";

function tempDir(): string {
  return join(mkdtempSync(join(tmpdir(), "agent-disk-buffer-")), "buffer");
}

function collect(): { errors: { type: string; message: string; count: number }[]; onError: DiskBufferOptions["onError"] } {
  const errors: { type: string; message: string; count: number }[] = [];
  return { errors, onError: (type, message, count) => void errors.push({ type, message, count }) };
}

const small = { maxBytes: 1 << 20, segmentBytes: 16 * 1024, fsync: "never" as const };

function readAll(b: DiskBuffer, sink: string, ack = true): number[] {
  const got: number[] = [];
  for (;;) {
    const r = b.read(sink, 100, 1 << 20);
    if (r.records.length === 0 && r.next === b.read(sink, 0, 0).next) return got;
    got.push(...seqs(r.records));
    if (!ack) return got;
    b.ack(sink, r.next);
  }
}

test("after a restart each sink replays what it had not acknowledged", async () => {
  const dir = tempDir();
  const a = await DiskBuffer.open({ dir, ...small });
  await a.attach(["es", "kafka"]);
  const records = testRecords(1, 300);
  for (const r of records.slice(200, 210)) r.doc.metric.labels = { host: "hôte-東京", n: String(r.doc.agent.seq) }; // non-ASCII frames among ASCII ones
  await a.append(records);
  const r = a.read("es", 120, 1 << 20);
  a.ack("es", r.next);
  await a.close();

  const b = await DiskBuffer.open({ dir, ...small });
  expect(await b.attach(["es", "kafka"])).toEqual({ added: [], removed: [] });
  expect(b.depth("es")).toBe(180);
  expect(readAll(b, "es")).toEqual(Array.from({ length: 180 }, (_, i) => 121 + i));
  expect(b.read("kafka", 1000, 1 << 30).records.map((r) => r.doc)).toEqual(records.map((r) => JSON.parse(JSON.stringify(r.doc))));
  expect(readAll(b, "kafka")).toEqual(Array.from({ length: 300 }, (_, i) => 1 + i));
  await b.append(testRecords(301, 2));
  expect(readAll(b, "es")).toEqual([301, 302]);
  await b.close();
});

test("a crash right after start replays everything: a sink's first cursor is written when it is attached", async () => {
  const dir = tempDir();
  const a = await DiskBuffer.open({ dir, ...small, fsyncIntervalMs: 60_000 });
  await a.attach(["s"]);
  await a.append(testRecords(1, 50));
  a.ack("s", 10); // not on disk yet (next flush in a minute)
  // no close(): the process dies here
  const b = await DiskBuffer.open({ dir, ...small });
  expect(await b.attach(["s"])).toEqual({ added: [], removed: [] });
  expect(readAll(b, "s")).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  await b.close();
  await a.close();
});

test("segments are named, rotated at segment size, and deleted once every sink is past them", async () => {
  const dir = tempDir();
  const b = await DiskBuffer.open({ dir, ...small });
  await b.attach(["s"]);
  for (let i = 0; i < 10; i++) await b.append(testRecords(i * 50 + 1, 50));
  const names = readdirSync(dir)
    .filter((n) => n.startsWith("segment-"))
    .sort();
  expect(names[0]).toBe("segment-000001.log");
  expect(names.length).toBeGreaterThan(5);
  for (const n of names) expect(statSync(join(dir, n)).size).toBeLessThanOrEqual(16 * 1024 + 20_000);
  expect(readFileSync(join(dir, names[0])).toString("latin1", 0, 4)).toBe("AGBF");
  expect(readAll(b, "s").length).toBe(500);
  expect(readdirSync(dir).filter((n) => n.startsWith("segment-")).length).toBe(1);
  await b.close();
  expect(JSON.parse(readFileSync(join(dir, "cursors", "s.json"), "utf8"))).toEqual({ sink: "s", position: 500 });
});

test("sinks added between runs start at the tail; removed sinks lose their cursor file", async () => {
  const dir = tempDir();
  const a = await DiskBuffer.open({ dir, ...small });
  await a.attach(["old", "kept"]);
  await a.append(testRecords(1, 10));
  await a.close();
  const b = await DiskBuffer.open({ dir, ...small });
  expect(await b.attach(["kept", "new"])).toEqual({ added: ["new"], removed: [{ id: "old", lost: 10 }] });
  expect(b.depth("new")).toBe(0);
  expect(b.depth("kept")).toBe(10);
  await b.close();
  expect(readdirSync(join(dir, "cursors")).sort()).toEqual(["kept.json", "new.json"]);
});

test("a torn tail and a corrupt record are skipped and counted, never fatal", async () => {
  const dir = tempDir();
  const a = await DiskBuffer.open({ dir, ...small, segmentBytes: 1 << 19 });
  await a.attach(["s"]);
  await a.append(testRecords(1, 20));
  await a.close();
  const seg = join(dir, "segment-000001.log");
  const bytes = readFileSync(seg);
  bytes[200] ^= 0xff; // inside record 1's JSON
  writeFileSync(seg, bytes);
  truncateSync(seg, bytes.length - 5); // record 20 is torn
  const c = collect();
  const b = await DiskBuffer.open({ dir, ...small, onError: c.onError });
  await b.attach(["s"]);
  expect(readAll(b, "s")).toEqual(Array.from({ length: 18 }, (_, i) => i + 2));
  expect(c.errors.map((e) => e.type)).toEqual(["corrupt_record", "corrupt_record"]);
  expect(c.errors[1].message).toContain("segment-000001.log");
  expect(b.stats().corrupt).toBe(2);
  await b.append(testRecords(21, 1));
  expect(readAll(b, "s")).toEqual([21]);
  await b.close();
});

test("a segment with a garbage header is set aside as *.corrupt and reported; the rest is read", async () => {
  const dir = tempDir();
  const a = await DiskBuffer.open({ dir, ...small });
  await a.attach(["s"]);
  for (let i = 0; i < 6; i++) await a.append(testRecords(i * 50 + 1, 50));
  await a.close();
  const seg = join(dir, "segment-000002.log");
  writeFileSync(seg, "garbage garbage garbage");
  const c = collect();
  const b = await DiskBuffer.open({ dir, ...small, onError: c.onError });
  await b.attach(["s"]);
  const got = readAll(b, "s");
  expect(got[0]).toBe(1);
  expect(got[got.length - 1]).toBe(300);
  expect(got.length).toBeLessThan(300);
  expect(c.errors.map((e) => e.type)).toEqual(["corrupt_segment", "corrupt_record"]);
  // Positions are contiguous: the records the set-aside segment held are counted exactly.
  expect(c.errors[1].count).toBe(300 - got.length);
  expect(c.errors[1].message).toContain("segment-000002.log.corrupt set aside");
  expect(b.stats().corrupt).toBe(300 - got.length);
  expect(readdirSync(dir)).toContain("segment-000002.log.corrupt");
  await b.close();
});

test("an impossible length field in a middle segment: the rest of that segment is skipped, its records counted exactly", async () => {
  const dir = tempDir();
  const a = await DiskBuffer.open({ dir, ...small });
  await a.attach(["s"]);
  for (let i = 0; i < 6; i++) await a.append(testRecords(i * 50 + 1, 50));
  await a.close();
  const seg = join(dir, "segment-000002.log");
  const bytes = readFileSync(seg);
  let off = 16;
  for (let i = 0; i < 5; i++) off += 8 + bytes.readUInt32LE(off); // the 6th frame's length field
  bytes.writeUInt32LE(0xfffffff0, off);
  writeFileSync(seg, bytes);
  const c = collect();
  const b = await DiskBuffer.open({ dir, ...small, onError: c.onError });
  await b.attach(["s"]);
  const got = readAll(b, "s");
  expect(c.errors.map((e) => e.type)).toEqual(["corrupt_record"]);
  expect(c.errors[0].count).toBe(300 - got.length);
  expect(c.errors[0].message).toContain("segment-000002.log: torn or corrupt record");
  expect(got.length).toBeLessThan(295);
  expect(got[got.length - 1]).toBe(300);
  await b.close();
});

test("a segment of a newer format version refuses to start, naming the file", async () => {
  const dir = tempDir();
  const a = await DiskBuffer.open({ dir, ...small });
  await a.attach(["s"]);
  await a.append(testRecords(1, 3));
  await a.close();
  const seg = join(dir, "segment-000001.log");
  const bytes = readFileSync(seg);
  bytes.writeUInt16LE(FORMAT_VERSION + 1, 4);
  writeFileSync(seg, bytes);
  const open = DiskBuffer.open({ dir, ...small });
  await expect(open).rejects.toThrow(SegmentVersionError);
  await expect(open).rejects.toThrow(seg);
});

test("an unwritable directory or a full disk is a BufferError naming the path", async () => {
  const parent = mkdtempSync(join(tmpdir(), "agent-disk-buffer-"));
  writeFileSync(join(parent, "file"), "");
  const bad = join(parent, "file", "buffer");
  await expect(DiskBuffer.open({ dir: bad, ...small })).rejects.toThrow(new RegExp(`buffer directory ${bad} is not writable`));
  const dir = tempDir();
  await expect(DiskBuffer.open({ dir, ...small, freeBytes: () => 4096 })).rejects.toThrow(new RegExp(`${dir}: disk full: 4096 bytes free`));
  await expect(DiskBuffer.open({ dir, ...small, maxBytes: small.segmentBytes })).rejects.toThrow(BufferError);
});

test("a directory locked by another live process is refused", async () => {
  const dir = tempDir();
  const a = await DiskBuffer.open({ dir, ...small });
  await a.close();
  const other = Bun.spawn(["sleep", "10"]);
  try {
    const stat = readFileSync(`/proc/${other.pid}/stat`, "utf8");
    const start = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    writeFileSync(join(dir, "lock"), JSON.stringify({ pid: other.pid, start }));
    await expect(DiskBuffer.open({ dir, ...small })).rejects.toThrow(`pid ${other.pid}`);
  } finally {
    other.kill();
    await other.exited;
  }
  const b = await DiskBuffer.open({ dir, ...small }); // a dead holder's lock is taken over
  await b.close();
  writeFileSync(join(dir, "lock"), JSON.stringify({ pid: process.ppid, start: "1" }));
  const c = await DiskBuffer.open({ dir, ...small }); // a live pid that started at another time: a reused pid
  await c.close();
});

test("a lock whose holder is a zombie (exited, not reaped) is taken over", async () => {
  const dir = tempDir();
  const a = await DiskBuffer.open({ dir, ...small });
  await a.close();
  // `sleep 0.3` exits after its parent has exec'd into `sleep 20`, which never reaps it: a zombie.
  const parent = Bun.spawn(["bash", "-c", "sleep 0.3 & echo $!; exec sleep 20"], { stdout: "pipe" });
  try {
    const { value } = await parent.stdout.getReader().read();
    const pid = Number(new TextDecoder().decode(value).trim());
    await waitFor(() => /\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8")), { timeoutMs: 3000, what: `pid ${pid} a zombie` });
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    expect(stat).toMatch(/\) Z /);
    writeFileSync(join(dir, "lock"), JSON.stringify({ pid, start: stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] }));
    const b = await DiskBuffer.open({ dir, ...small });
    await b.close();
  } finally {
    parent.kill();
    await parent.exited;
  }
});

test("fsync: always persists cursors at every acknowledgement", async () => {
  const dir = tempDir();
  const a = await DiskBuffer.open({ dir, ...small, fsync: "always" });
  await a.attach(["s"]);
  await a.append(testRecords(1, 5));
  a.ack("s", a.read("s", 2, 1 << 20).next);
  expect(JSON.parse(readFileSync(join(dir, "cursors", "s.json"), "utf8")).position).toBe(2);
  await a.close();
});

test("a corrupt cursor file replays the whole buffer for that sink (duplicates, not loss)", async () => {
  const dir = tempDir();
  const a = await DiskBuffer.open({ dir, ...small });
  await a.attach(["s"]);
  await a.append(testRecords(1, 5));
  a.ack("s", 3);
  await a.close();
  writeFileSync(join(dir, "cursors", "s.json"), "{not json");
  const c = collect();
  const b = await DiskBuffer.open({ dir, ...small, onError: c.onError });
  await b.attach(["s"]);
  expect(c.errors.map((e) => e.type)).toEqual(["corrupt_cursor"]);
  expect(readAll(b, "s")).toEqual([1, 2, 3, 4, 5]);
  await b.close();
});

test("the in-memory cache keeps only what some sink has not acknowledged; reads before it come from the segments", async () => {
  const dir = tempDir();
  const b = await DiskBuffer.open({ dir, ...small });
  await b.attach(["fast", "slow"]);
  const cached = () => (b as unknown as { cache: { length: number; base: number } }).cache;
  await b.append(testRecords(1, 200));
  expect(cached().length).toBe(200);
  b.ack("fast", b.read("fast", 200, 1 << 20).next);
  expect(cached().length).toBe(200); // "slow" still needs them
  const half = b.read("slow", 120, 1 << 20);
  b.ack("slow", half.next);
  expect(cached().length).toBe(80);
  expect(cached().base).toBe(half.next);
  expect(readAll(b, "slow")).toEqual(Array.from({ length: 80 }, (_, i) => 121 + i));
  expect(cached().length).toBe(0);
  await b.close();
});
