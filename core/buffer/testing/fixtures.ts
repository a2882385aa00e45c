/**
 * Test helpers of the buffers: records with a given seq, and a factory per implementation so one
 * suite runs against both (Telegraf's habit).
 * @module
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OutRecord } from "../../events.ts";
import type { RecordBuffer, WhenFull } from "../buffer.ts";
import { DiskBuffer } from "../disk/disk.ts";
import { MemoryBuffer } from "../memory.ts";

/** A point record with `agent.seq = seq` (optionally an anomaly event). */
export function testRecord(seq: number, kind: "point" | "anomaly" = "point"): OutRecord {
  const base = {
    "@timestamp": new Date(seq * 1000).toISOString(),
    agent: { id: "a", seq },
    host: { name: "h" },
    metric: { name: "cpu.user", labels: { cpu: "0" } },
    model: { name: "x", version: "1" },
  };
  if (kind === "anomaly") {
    return {
      kind,
      doc: { ...base, anomaly: { state: "open", start: base["@timestamp"], peak_score: 0.9, threshold: 0.5, points: 1 }, event: { kind: "alert" } },
    };
  }
  return { kind, doc: { ...base, value: seq, anomaly: { score: 0.1, threshold: 0.5, is_anomaly: false }, event: { kind: "metric" } } };
}

/** Records with seqs `from … from + n - 1`. */
export function testRecords(from: number, n: number): OutRecord[] {
  return Array.from({ length: n }, (_, i) => testRecord(from + i));
}

/** Seqs of records. */
export function seqs(records: readonly OutRecord[]): number[] {
  return records.map((r) => r.doc.agent.seq);
}

/** Options the shared suite varies. */
export interface SuiteOptions {
  maxBytes: number;
  whenFull: WhenFull;
}

/** A buffer implementation under test. */
export interface BufferFactory {
  name: string;
  create(o: SuiteOptions): Promise<RecordBuffer>;
}

/** Both implementations; disk buffers live in fresh temp directories with small segments. */
export const BUFFER_FACTORIES: BufferFactory[] = [
  { name: "MemoryBuffer", create: async (o) => new MemoryBuffer(o) },
  {
    name: "DiskBuffer",
    create: (o) =>
      DiskBuffer.open({ ...o, dir: join(mkdtempSync(join(tmpdir(), "agent-buffer-")), "buffer"), segmentBytes: Math.floor(o.maxBytes / 4), fsync: "never" }),
  },
];
