import { afterEach, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MetricSample } from "../events.ts";
import { HistoryStore, readHistory, type SkippedSegment } from "./store.ts";
import { decodeSegment, encodeSegment, type SegmentReadError } from "./segment.ts";

const dirs: string[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "history-"));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const labels = [Object.freeze({ host: "a" }), Object.freeze({ host: "b" })];
function round(t: number, values: number[]): MetricSample[] {
  return values.map((value, i) => ({ name: "cpu", labels: labels[i] ?? { host: `h${i}` }, value, timestamp: t }));
}

describe("segment format", () => {
  test("round-trips keys, times and values (NaN gaps kept)", () => {
    const chunks = [
      { key: "a", ts: Float64Array.from([1000, 2000, 3000]), values: Float32Array.from([1.5, Number.NaN, -2]) },
      { key: 'b{x="é"}', ts: Float64Array.from([1500]), values: Float32Array.from([7]) },
    ];
    const back = decodeSegment(encodeSegment(chunks));
    expect(back.map((c) => c.key)).toEqual(["a", 'b{x="é"}']);
    expect([...back[0].ts]).toEqual([1000, 2000, 3000]);
    expect(back[0].values[0]).toBe(1.5);
    expect(Number.isNaN(back[0].values[1])).toBe(true);
    expect([...back[1].values]).toEqual([7]);
    expect(decodeSegment(encodeSegment(chunks), (k) => k === "a").map((c) => c.key)).toEqual(["a"]);
  });

  test("truncated, altered, foreign and newer-format bytes are refused with their reason", () => {
    const bytes = encodeSegment([{ key: "a", ts: Float64Array.from([1, 2]), values: Float32Array.from([1, 2]) }]);
    const reason = (b: Uint8Array): string => {
      try {
        decodeSegment(b);
        return "read";
      } catch (e) {
        return (e as SegmentReadError).reason;
      }
    };
    expect(reason(bytes)).toBe("read");
    expect(reason(bytes.slice(0, bytes.length - 3))).toBe("truncated");
    expect(reason(bytes.slice(0, 10))).toBe("truncated");
    const flipped = bytes.slice();
    flipped[flipped.length - 1] ^= 0xff;
    expect(reason(flipped)).toBe("checksum");
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint16(4, 2, true);
    expect(reason(newer)).toBe("newer_format");
    const foreign = bytes.slice();
    foreign[0] = 0x58;
    expect(reason(foreign)).toBe("bad_magic");
  });
});

describe("HistoryStore", () => {
  test("buffers rounds, writes a segment per flush, reads the series back in time order", async () => {
    const dir = await tmp();
    const store = new HistoryStore({ dir, maxBytes: 1 << 20, flushPoints: 1000, flushMs: 10_000 });
    await store.open();
    for (let t = 0; t < 25; t++) store.append(round(1_000_000 + t * 1000, [t, 100 + t]));
    await store.flush();
    // flushMs 10 s of sample time: rounds 0..10 in the first segment, 11..21 in the second, the rest on flush()
    expect((await readdir(dir)).filter((n) => n.endsWith(".hist")).length).toBe(3);
    const h = await readHistory(dir);
    expect([...h.keys()].sort()).toEqual(['cpu{host="a"}', 'cpu{host="b"}']);
    const a = h.get('cpu{host="a"}')!;
    expect([...a.values]).toEqual(Array.from({ length: 25 }, (_, t) => t));
    expect(a.ts[24]).toBe(1_000_000 + 24_000);
    expect(store.stats()).toMatchObject({ segments: 3, points: 50, buffered: 0, series: 2, newestMs: 1_024_000 });
    const limited = await readHistory(dir, { maxPointsPerSeries: 5, keep: (k) => k.includes('"b"') });
    expect([...limited.keys()]).toEqual(['cpu{host="b"}']);
    expect([...limited.get('cpu{host="b"}')!.values]).toEqual([120, 121, 122, 123, 124]);
  });

  test("the size cap deletes the oldest segments; a reopened store continues the numbering and its stats", async () => {
    const dir = await tmp();
    const store = new HistoryStore({ dir, maxBytes: 3000, flushPoints: 100 });
    await store.open();
    const values = Array.from({ length: 50 }, (_, i) => i);
    for (let t = 0; t < 40; t++) store.append(values.map((v, i) => ({ name: `s${i}`, labels: {}, value: v + t, timestamp: t * 1000 })));
    await store.flush();
    const files = (await readdir(dir)).sort();
    let total = 0;
    for (const f of files) total += (await stat(join(dir, f))).size;
    expect(total).toBeLessThanOrEqual(3000);
    expect(files.length).toBeLessThan(20);
    const h = await readHistory(dir);
    // the newest rounds survive, the oldest are gone
    expect(h.get("s0")!.values.at(-1)).toBe(39);
    expect(h.get("s0")!.values[0]).toBeGreaterThan(0);
    const again = new HistoryStore({ dir, maxBytes: 3000, flushPoints: 100 });
    await again.open();
    expect(again.stats().segments).toBe(files.length);
    expect(again.stats().points).toBe(files.length * 100);
    again.append(round(1e6, [1, 2]));
    await again.flush();
    const after = (await readdir(dir)).sort();
    expect(after.at(-1)! > files.at(-1)!).toBe(true);
  });

  test("a truncated or newer-format segment is skipped and reported once; the rest is read; temp files are removed at open", async () => {
    const dir = await tmp();
    const store = new HistoryStore({ dir, maxBytes: 1 << 20, flushPoints: 4 });
    await store.open();
    for (let t = 0; t < 6; t++) store.append(round(t * 1000, [t, t]));
    await store.flush();
    const files = (await readdir(dir)).sort();
    expect(files.length).toBe(3);
    const bytes = await readFile(join(dir, files[0]));
    await writeFile(join(dir, files[0]), bytes.subarray(0, bytes.length - 5));
    const newer = await readFile(join(dir, files[1]));
    newer.writeUInt16LE(9, 4);
    await writeFile(join(dir, files[1]), newer);
    await writeFile(join(dir, "seg-000000000099.hist.123.tmp"), "partial");
    const skipped: SkippedSegment[] = [];
    const h = await readHistory(dir, { onSkip: (s) => skipped.push(s) });
    expect(skipped.map((s) => [s.file, s.reason])).toEqual([
      [files[0], "truncated"],
      [files[1], "newer_format"],
    ]);
    expect([...h.get('cpu{host="a"}')!.values]).toEqual([4, 5]);
    await new HistoryStore({ dir, maxBytes: 1 << 20 }).open();
    expect((await readdir(dir)).some((n) => n.endsWith(".tmp"))).toBe(false);
  });

  test("a write failure is reported and the store goes on", async () => {
    const dir = await tmp();
    const errors: Error[] = [];
    const store = new HistoryStore({ dir: join(dir, "file", "sub"), maxBytes: 1 << 20, onWriteError: (e) => errors.push(e) });
    await writeFile(join(dir, "file"), "not a directory");
    store.append(round(0, [1, 2]));
    await store.flush();
    expect(errors.length).toBe(1);
    store.append(round(1000, [1, 2]));
    await store.flush();
    expect(errors.length).toBe(2);
  });
});
