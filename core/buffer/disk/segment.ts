/**
 * One segment file of the disk buffer: created with a header and appended to, or scanned at
 * start (header checked, frames indexed, torn and corrupt frames found).
 * @module
 */
import { closeSync, fsync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, unlinkSync, writeSync } from "node:fs";
import type { OutRecord } from "../../events.ts";
import { bytesOf, decodeFrame, decodeHeader, encodeHeader, FRAME_OVERHEAD, HEADER_BYTES, readU32 } from "./format.ts";

/** Reports `n` corrupt records (or a corrupt segment) with one message. */
export type CorruptReport = (type: "corrupt_record" | "corrupt_segment", message: string, n?: number) => void;

/** File name of segment `id`: `segment-000001.log`. */
export function segmentName(id: number): string {
  return `segment-${String(id).padStart(6, "0")}.log`;
}

/** The id in a segment file name, or undefined. */
export function segmentId(name: string): number | undefined {
  const m = /^segment-(\d{6,})\.log$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** A segment file and the byte offset of each of its frames. */
export class Segment {
  /** Byte offset of frame i (position `base + i`). */
  readonly offsets: number[] = [];
  /** Frame indexes known to be corrupt (skipped when read). */
  readonly bad = new Set<number>();
  /** End of the last whole frame. */
  dataEnd: number;
  /** Set by {@link Segment.scan} when the segment ends in a torn or unreadable frame: where, and how many bytes were skipped. */
  torn: { at: number; bytes: number } | undefined;
  private fd: number | undefined;

  private constructor(
    readonly id: number,
    readonly path: string,
    readonly base: number,
    /** Bytes of the file. */
    public size: number,
    fd?: number,
  ) {
    this.dataEnd = size;
    this.fd = fd;
  }

  /** Records in the segment. */
  get count(): number {
    return this.offsets.length;
  }

  /** Position after the last record. */
  get end(): number {
    return this.base + this.offsets.length;
  }

  /** Creates a new, empty segment file (exclusive: an existing file is an error). */
  static create(path: string, id: number, base: number): Segment {
    const fd = openSync(path, "wx+");
    try {
      writeAll(fd, encodeHeader(base), 0);
    } catch (error) {
      closeSync(fd);
      try {
        unlinkSync(path);
      } catch {
        // a headerless file is skipped (and reported) at the next start
      }
      throw error;
    }
    return new Segment(id, path, base, HEADER_BYTES, fd);
  }

  /**
   * Scans an existing segment: undefined when its header is unusable (reported). A torn or
   * unreadable tail is noted in `torn`, not reported (the caller knows how many records it held).
   * Throws `SegmentVersionError` for a segment of a newer format.
   */
  static scan(path: string, id: number, report: CorruptReport): Segment | undefined {
    const b = readFileSync(path);
    const header = decodeHeader(b, path);
    if ("problem" in header) {
      report("corrupt_segment", `${path}: ${header.problem}`);
      return undefined;
    }
    const s = new Segment(id, path, header.base, b.length);
    const u8 = bytesOf(b);
    let off = HEADER_BYTES;
    while (off < b.length) {
      const len = b.length - off >= FRAME_OVERHEAD ? readU32(u8, off) : -1;
      if (len < 1 || off + FRAME_OVERHEAD + len > b.length) {
        s.torn = { at: off, bytes: b.length - off }; // reported by scanSegments, which can tell how many records it held
        break;
      }
      if (!decodeFrame(u8, off)) {
        s.bad.add(s.offsets.length);
        report("corrupt_record", `${path}: corrupt record at byte ${off} (position ${s.base + s.offsets.length}) skipped`);
      }
      s.offsets.push(off);
      off += FRAME_OVERHEAD + len;
    }
    s.dataEnd = off; // end of the last whole frame (a torn tail is ignored)
    return s;
  }

  /** Byte offset where frame i ends. */
  frameEnd(i: number): number {
    return i + 1 < this.offsets.length ? this.offsets[i + 1] : this.dataEnd;
  }

  /**
   * Appends encoded frames (in the kernel when this returns: a process crash cannot lose them);
   * on error truncates back to the last whole frame and rethrows.
   */
  append(frames: Buffer, sizes: readonly number[]): void {
    const start = this.size;
    try {
      writeAll(this.handle("r+"), frames, start);
    } catch (error) {
      try {
        ftruncateSync(this.handle("r+"), start);
      } catch {
        // the next open scans the file and skips the torn tail
      }
      throw error;
    }
    let off = start;
    for (const s of sizes) {
      this.offsets.push(off);
      off += s;
    }
    this.size = this.dataEnd = off;
  }

  /**
   * Reads frames from index `from`: at most `maxRecords`, about `maxBytes` (at least one).
   * Returns the records and how many frames were consumed (corrupt ones are skipped and reported).
   */
  read(from: number, maxRecords: number, maxBytes: number, report: CorruptReport): { records: OutRecord[]; consumed: number } {
    let to = from;
    let bytes = 0;
    while (to < this.offsets.length && to - from < maxRecords) {
      const len = this.frameEnd(to) - this.offsets[to];
      if (to > from && bytes + len > maxBytes) break;
      bytes += len;
      to++;
    }
    const b = bytesOf(Buffer.allocUnsafe(bytes));
    const start = this.offsets[from];
    let got = 0;
    while (got < bytes) {
      const n = readSync(this.handle("r"), b, got, bytes - got, start + got);
      if (n === 0) break;
      got += n;
    }
    const records: OutRecord[] = [];
    const chunk = got < bytes ? b.subarray(0, got) : b;
    const latin1 = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString("latin1");
    for (let i = from; i < to; i++) {
      if (this.bad.has(i)) continue;
      const off = this.offsets[i] - start;
      const r = decodeFrame(chunk, off, latin1);
      if (r) records.push(r);
      else {
        this.bad.add(i);
        report("corrupt_record", `${this.path}: corrupt record at byte ${this.offsets[i]} (position ${this.base + i}) skipped`);
      }
    }
    return { records, consumed: to - from };
  }

  /** fsync, blocking. */
  syncNow(): void {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  /** fsync on the thread pool. */
  sync(): Promise<void> {
    const fd = this.fd;
    if (fd === undefined) return Promise.resolve();
    return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Closes and deletes the file. */
  remove(): void {
    this.close();
    unlinkSync(this.path);
  }

  private handle(mode: "r" | "r+"): number {
    this.fd ??= openSync(this.path, mode);
    return this.fd;
  }
}

function writeAll(fd: number, b: Buffer, position: number): void {
  let done = 0;
  while (done < b.length) done += writeSync(fd, b, done, b.length - done, position + done);
}
