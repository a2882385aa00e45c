/**
 * A FIFO of records with their sizes, addressed by position: the storage of the memory buffer
 * and the recent-records cache of the disk buffer.
 * @module
 */
import type { OutRecord } from "../events.ts";

/** Records at consecutive positions `base … base + length - 1`. */
export class RecordQueue {
  /** Position of the first record held. */
  base: number;
  /** Sum of the sizes held. */
  bytes = 0;
  private records: OutRecord[] = [];
  private sizes: number[] = [];
  private off = 0;

  constructor(base = 0) {
    this.base = base;
  }

  /** Records held. */
  get length(): number {
    return this.records.length - this.off;
  }

  /** Position after the last record. */
  get end(): number {
    return this.base + this.length;
  }

  /** Adds records at the end. */
  push(records: readonly OutRecord[], sizes: readonly number[]): void {
    for (let i = 0; i < records.length; i++) {
      this.records.push(records[i]);
      this.sizes.push(sizes[i]);
      this.bytes += sizes[i];
    }
  }

  /** Records from position `from`: at most `maxRecords`, about `maxBytes` (at least one). */
  slice(from: number, maxRecords: number, maxBytes: number): OutRecord[] {
    const out: OutRecord[] = [];
    let bytes = 0;
    for (let i = this.off + (from - this.base); i < this.records.length && out.length < maxRecords; i++) {
      if (out.length > 0 && bytes + this.sizes[i] > maxBytes) break;
      out.push(this.records[i]);
      bytes += this.sizes[i];
    }
    return out;
  }

  /** Drops the records before position `upTo`. */
  dropBefore(upTo: number): void {
    const n = Math.max(0, Math.min(upTo, this.end) - this.base);
    for (let i = this.off; i < this.off + n; i++) {
      this.bytes -= this.sizes[i];
      this.records[i] = undefined as unknown as OutRecord;
    }
    this.off += n;
    this.base += n;
    if (this.off > 65_536 && this.off * 2 > this.records.length) {
      this.records = this.records.slice(this.off);
      this.sizes = this.sizes.slice(this.off);
      this.off = 0;
    }
  }

  /** Drops records from the front until at most `maxBytes` are held. */
  trimTo(maxBytes: number): void {
    let n = 0;
    let bytes = this.bytes;
    while (bytes > maxBytes && n < this.length) bytes -= this.sizes[this.off + n++];
    if (n) this.dropBefore(this.base + n);
  }

  /** Empties the queue; the next record will be at `base`. */
  reset(base: number): void {
    this.records = [];
    this.sizes = [];
    this.off = 0;
    this.bytes = 0;
    this.base = base;
  }
}
