/** One behaviour suite, run against the memory and the disk buffer. */
import { describe, expect, test } from "bun:test";
import { BufferError, type RecordBuffer } from "./buffer.ts";
import { BUFFER_FACTORIES, seqs, testRecord, testRecords } from "./testing/fixtures.ts";
import { settle, waitFor } from "../testing/wait-for.ts";

const SIZE = JSON.stringify(testRecord(100).doc).length + 9;
/** Room for about 40 records. */
const MAX = SIZE * 40;

async function drain(b: RecordBuffer, sink: string, batch = 7): Promise<number[]> {
  const got: number[] = [];
  for (;;) {
    const r = b.read(sink, batch, 1 << 20);
    if (r.records.length === 0) return got;
    got.push(...seqs(r.records));
    b.ack(sink, r.next);
  }
}

for (const f of BUFFER_FACTORIES) {
  describe(f.name, () => {
    test("read returns the next records without consuming them; ack moves the cursor", async () => {
      const b = await f.create({ maxBytes: MAX, whenFull: "block" });
      await b.attach(["s"]);
      expect(await b.append(testRecords(1, 10))).toEqual({ accepted: 10, dropped: 0 });
      expect(b.depth("s")).toBe(10);
      const first = b.read("s", 4, 1 << 20);
      expect(seqs(first.records)).toEqual([1, 2, 3, 4]);
      expect(seqs(b.read("s", 4, 1 << 20).records)).toEqual([1, 2, 3, 4]);
      b.ack("s", first.next);
      expect(b.depth("s")).toBe(6);
      expect(await drain(b, "s")).toEqual([5, 6, 7, 8, 9, 10]);
      expect(b.depth("s")).toBe(0);
      await b.close();
    });

    test("reads honour max records and max bytes, and return at least one record", async () => {
      const b = await f.create({ maxBytes: MAX, whenFull: "block" });
      await b.attach(["s"]);
      await b.append(testRecords(1, 10));
      expect(b.read("s", 100, SIZE * 3 + 1).records.length).toBe(3);
      expect(b.read("s", 100, 1).records.length).toBe(1);
      expect(b.read("s", 0, 1 << 20).records).toEqual([]);
      await b.close();
    });

    test("every sink sees every record, in order, at its own pace", async () => {
      const b = await f.create({ maxBytes: MAX, whenFull: "block" });
      await b.attach(["fast", "slow"]);
      await b.append(testRecords(1, 5));
      expect(await drain(b, "fast")).toEqual([1, 2, 3, 4, 5]);
      await b.append(testRecords(6, 5));
      expect(await drain(b, "fast")).toEqual([6, 7, 8, 9, 10]);
      expect(await drain(b, "slow", 3)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      await b.close();
    });

    test("records are released once every sink acknowledged them: a long run stays within max size", async () => {
      const b = await f.create({ maxBytes: MAX, whenFull: "drop_newest" });
      await b.attach(["a", "b"]);
      const got: number[] = [];
      for (let i = 0; i < 50; i++) {
        expect((await b.append(testRecords(i * 10 + 1, 10))).accepted).toBe(10);
        got.push(...(await drain(b, "a")));
        await drain(b, "b");
        expect(b.stats().bytes).toBeLessThanOrEqual(MAX);
      }
      expect(got).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      expect(b.stats().dropped).toEqual({});
      await b.close();
    });

    test("drop_newest: a dead sink fills the buffer, newer records are rejected and counted, the others keep flowing", async () => {
      const b = await f.create({ maxBytes: MAX, whenFull: "drop_newest" });
      await b.attach(["ok", "dead"]);
      let accepted = 0;
      let dropped = 0;
      for (let i = 0; i < 10; i++) {
        const r = await b.append(testRecords(i * 10 + 1, 10));
        accepted += r.accepted;
        dropped += r.dropped;
        if (r.dropped) expect(r.reason).toBe("buffer_full");
        await drain(b, "ok");
      }
      expect(accepted).toBeGreaterThan(20);
      expect(accepted).toBeLessThanOrEqual(45); // memory counts JSON bytes, disk adds 9 per frame
      expect(dropped).toBe(100 - accepted);
      expect(b.stats().dropped).toEqual({ buffer_full: dropped });
      expect(b.depth("ok")).toBe(0);
      expect(b.depth("dead")).toBe(accepted);
      expect(await drain(b, "dead")).toEqual(Array.from({ length: accepted }, (_, i) => i + 1));
      await b.close();
    });

    test("block: append waits for space until a sink acknowledges, or until its signal aborts", async () => {
      const b = await f.create({ maxBytes: MAX, whenFull: "block" });
      await b.attach(["slow"]);
      const first = await b.append(testRecords(1, 30));
      expect(first.accepted).toBe(30);
      let done = false;
      const pending = b.append(testRecords(31, 30)).then((r) => ((done = true), r));
      await waitFor(() => b.stats().blocked?.reason === "max_size", { what: "append blocked" });
      await settle();
      expect(done).toBe(false);
      await drain(b, "slow");
      expect(await pending).toEqual({ accepted: 30, dropped: 0 });
      const ac = new AbortController();
      const blocked = b.append(testRecords(61, 100), ac.signal);
      await waitFor(() => b.stats().blocked?.reason === "max_size", { what: "append blocked" });
      ac.abort();
      const r = await blocked;
      expect(r.accepted + r.dropped).toBe(100);
      expect(r.dropped).toBeGreaterThan(0);
      // Given up at the stop: never accepted, not a drop (the caller still has them).
      expect(r.reason).toBe("aborted");
      expect(b.stats().dropped).toEqual({});
      expect(b.stats().blocked).toBeUndefined();
      await b.close();
    });

    test("a record larger than the whole buffer is dropped, even with block", async () => {
      const b = await f.create({ maxBytes: SIZE * 8, whenFull: "block" });
      await b.attach(["s"]);
      const big = testRecord(1);
      (big.doc.metric.labels as Record<string, string>).blob = "x".repeat(SIZE * 9);
      big.json = undefined;
      expect(await b.append([big])).toEqual({ accepted: 0, dropped: 1, reason: "buffer_full" });
      await b.close();
    });

    test("attach: a new sink starts at the tail, a removed sink gives up its backlog", async () => {
      const b = await f.create({ maxBytes: MAX, whenFull: "drop_newest" });
      await b.attach(["a", "gone"]);
      await b.append(testRecords(1, 5));
      const r = await b.attach(["a", "new"]);
      expect(r).toEqual({ added: ["new"], removed: [{ id: "gone", lost: 5 }] });
      expect(b.depth("new")).toBe(0);
      await b.append(testRecords(6, 2));
      expect(await drain(b, "new")).toEqual([6, 7]);
      expect(await drain(b, "a")).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(() => b.read("gone", 1, 1)).toThrow(BufferError);
      await b.close();
    });

    test("acknowledging past the tail or behind the cursor is a BufferError", async () => {
      const b = await f.create({ maxBytes: MAX, whenFull: "block" });
      await b.attach(["s"]);
      await b.append(testRecords(1, 3));
      expect(() => b.ack("s", 4)).toThrow(BufferError);
      b.ack("s", 2);
      expect(() => b.ack("s", 1)).toThrow(/cursor/);
      await b.close();
    });

    test("waitForDepth resolves when enough records arrive, or at its timeout", async () => {
      const b = await f.create({ maxBytes: MAX, whenFull: "block" });
      await b.attach(["s"]);
      const t0 = performance.now();
      await b.waitForDepth("s", 1, 30);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
      const waiting = b.waitForDepth("s", 3, 5000);
      await b.append(testRecords(1, 2));
      await b.append(testRecords(3, 1));
      const t1 = performance.now();
      await waiting;
      expect(performance.now() - t1).toBeLessThan(1000); // long before the 5 s timeout
      await b.close();
    });

    test("anomaly events and unicode labels come back as written", async () => {
      const b = await f.create({ maxBytes: MAX, whenFull: "block" });
      await b.attach(["s"]);
      const a = testRecord(1, "anomaly");
      const p = testRecord(2);
      p.doc.metric.labels = { host: "hôte-東京 🚀" };
      await b.append([a, p]);
      const got = b.read("s", 10, 1 << 20).records;
      expect(got.map((r) => r.kind)).toEqual(["anomaly", "point"]);
      expect(got[1].doc).toEqual(p.doc);
      await b.close();
    });
  });
}
