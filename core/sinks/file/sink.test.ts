import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeBatch } from "../testing/records.ts";
import { createFileSink, encodeLines } from "./sink.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "file-sink-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = async (p: string) =>
  (await readFile(p, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe("createFileSink", () => {
  test("appends one JSON document per line, creating directories; appends across sends and restarts", async () => {
    const path = join(dir, "a", "b", "out.jsonl");
    const batch = makeBatch("ag", 20);
    let sink = createFileSink({ id: "f", path });
    await sink.start();
    expect(await sink.send(batch.slice(0, 12))).toEqual({ delivered: 12, retry: [], dead: [], errors: {} });
    await sink.stop();
    sink = createFileSink({ id: "f", path, fsyncEveryBatch: true });
    expect((await sink.send(batch.slice(12))).delivered).toBe(8);
    await sink.stop();
    expect(await lines(path)).toEqual(batch.map((r) => r.doc));
  });

  test("only: anomalies writes anomaly records; points count as delivered", async () => {
    const path = join(dir, "anomalies.jsonl");
    const sink = createFileSink({ id: "f", path, only: "anomalies" });
    const batch = makeBatch("ag", 30);
    expect(await sink.send(batch)).toEqual({ delivered: 30, retry: [], dead: [], errors: {} });
    await sink.stop();
    expect((await lines(path)).map((d) => d.agent.seq)).toEqual([9, 19, 29]);
    const p2 = join(dir, "points.jsonl");
    const s2 = createFileSink({ id: "f", path: p2, only: "points" });
    expect((await s2.send(batch)).delivered).toBe(30);
    await s2.stop();
    expect(await lines(p2)).toHaveLength(27);
  });

  test("the file holds exactly the records' JSON lines, byte for byte: non-ASCII labels, batches larger and smaller than the last", async () => {
    const path = join(dir, "bytes.jsonl");
    const sink = createFileSink({ id: "f", path });
    const batch = makeBatch("ag", 120).map((r, i) => {
      if (r.kind !== "point") return r;
      const doc = { ...r.doc, metric: { name: "m", labels: { host: i % 3 ? "hôte-✓" : "plain", emoji: i % 5 ? "" : '🚀\n"q"' } } };
      return { kind: "point" as const, doc, ...(i % 2 && { json: JSON.stringify(doc) }) }; // half with json cached, half without
    });
    const sizes = [3, 100, 1, 0, 16];
    let at = 0;
    for (const n of sizes) {
      expect((await sink.send(batch.slice(at, at + n))).delivered).toBe(n);
      at += n;
    }
    await sink.stop();
    const expected = batch
      .slice(0, at)
      .map((r) => `${JSON.stringify(r.doc)}\n`)
      .join("");
    expect(await readFile(path, "utf8")).toBe(expected);
    expect((await readFile(path)).equals(Buffer.from(expected, "utf8"))).toBe(true);
  });

  test("encodeLines uses the scratch buffer when it is large enough, else a new one", () => {
    const batch = makeBatch("ag", 10);
    const small = Buffer.alloc(8);
    const a = encodeLines(batch, small);
    expect(a.bytes).not.toBe(small);
    expect(a.bytes.toString("utf8", 0, a.length)).toBe(batch.map((r) => `${JSON.stringify(r.doc)}\n`).join(""));
    const big = Buffer.alloc(a.bytes.length);
    const b = encodeLines(batch.slice(0, 2), big);
    expect(b.bytes).toBe(big);
    expect(b.bytes.toString("utf8", 0, b.length)).toBe(
      batch
        .slice(0, 2)
        .map((r) => `${JSON.stringify(r.doc)}\n`)
        .join(""),
    );
  });

  test("concurrent sends never interleave lines", async () => {
    const path = join(dir, "concurrent.jsonl");
    const sink = createFileSink({ id: "f", path });
    const rs = await Promise.all([0, 1, 2, 3].map((i) => sink.send(makeBatch("ag", 250, i * 250))));
    expect(rs.reduce((s, r) => s + r.delivered, 0)).toBe(1000);
    await sink.stop();
    expect((await lines(path)).map((d) => d.agent.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  test("a write error → retry as io_error; start and probe do not throw", async () => {
    const path = "/proc/self/no/such/dir/out.jsonl";
    const sink = createFileSink({ id: "f", path, only: "points" });
    await sink.start();
    expect(await sink.probe()).toContain("cannot open");
    const batch = makeBatch("ag", 10);
    const r = await sink.send(batch);
    expect(r.delivered).toBe(1); // the anomaly record, filtered out
    expect(r.retry).toEqual(batch.filter((x) => x.kind === "point"));
    expect(r.errors).toEqual({ io_error: 1 });
    await sink.stop();
  });
});
