/**
 * The disk buffer's segment files read independently of `core/buffer` (format of
 * `core/buffer/disk/format.ts`: 16-byte header, then `u32 length | u32 crc | payload`), so the
 * ledger knows which seqs a file holds and where, and a test can damage chosen records.
 * @module
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One frame of a segment file. */
export interface Frame {
  segment: string;
  /** Byte offset of the frame (its length field). */
  offset: number;
  length: number;
  seq: number;
}

/** Segment file names of `bufferDir`, oldest first. */
export function segmentFiles(bufferDir: string): string[] {
  return readdirSync(bufferDir)
    .filter((n) => /^segment-\d+\.log$/.test(n))
    .sort();
}

/** Every whole frame of every segment of `bufferDir`, oldest first. */
export function readFrames(bufferDir: string): Frame[] {
  const out: Frame[] = [];
  for (const name of segmentFiles(bufferDir)) {
    const b = readFileSync(join(bufferDir, name));
    let off = 16;
    while (off + 8 <= b.length) {
      const len = b.readUInt32LE(off);
      if (len < 1 || off + 8 + len > b.length) break;
      out.push({
        segment: name,
        offset: off,
        length: len,
        seq: (JSON.parse(b.toString("utf8", off + 9, off + 8 + len)) as { agent: { seq: number } }).agent.seq,
      });
      off += 8 + len;
    }
  }
  return out;
}

/** Flips bytes in the middle of each frame's JSON (its CRC no longer matches; its length is intact). */
export function corruptFrames(bufferDir: string, frames: Frame[]): void {
  const bySegment = Map.groupBy(frames, (f) => f.segment);
  for (const [name, fs] of bySegment) {
    const path = join(bufferDir, name);
    const b = readFileSync(path);
    for (const f of fs) {
      const mid = f.offset + 8 + Math.floor(f.length / 2);
      for (let i = 0; i < 4; i++) b[mid + i] ^= 0x5a;
    }
    writeFileSync(path, b);
  }
}

/** Writes an impossible length into a frame's length field: the reader cannot find the frames after it. */
export function breakLength(bufferDir: string, frame: Frame): void {
  const path = join(bufferDir, frame.segment);
  const b = readFileSync(path);
  b.writeUInt32LE(0xfffffff0, frame.offset);
  writeFileSync(path, b);
}

/** Overwrites a segment's magic: the whole file is no longer recognisable as a segment. */
export function breakHeader(bufferDir: string, segment: string): void {
  const path = join(bufferDir, segment);
  const b = readFileSync(path);
  b.write("XXXX", 0, "latin1");
  writeFileSync(path, b);
}
