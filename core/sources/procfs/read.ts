/**
 * Bounded, allocation-light reads of procfs/sysfs files: one reusable buffer, synchronous
 * `open`/`read`/`close` (procfs answers from kernel memory, never from a disk), and a size
 * cap so a hostile or runaway file cannot balloon a round.
 */
import { closeSync, openSync, readSync } from "node:fs";

/** Default cap of one file: larger files are cut at the last full line below it. */
export const DEFAULT_MAX_FILE_BYTES = 4 << 20;

/** Reads whole files into one growing buffer (up to `maxBytes`). Not re-entrant. */
export class FileReader {
  private buf: Buffer = Buffer.allocUnsafe(16 * 1024);
  /** Set by the last {@link read} / {@link readBytes}: the file was longer than the cap. */
  truncated = false;

  constructor(readonly maxBytes: number = DEFAULT_MAX_FILE_BYTES) {}

  /**
   * Read `path` into the internal buffer; returns the byte count (the bytes are valid until the
   * next call, see {@link bytes}). Throws the fs error (ENOENT, EACCES...) as is.
   */
  readBytes(path: string): number {
    const fd = openSync(path, "r");
    let n = 0;
    this.truncated = false;
    try {
      for (;;) {
        if (n === this.buf.length) {
          if (n >= this.maxBytes) {
            // One more byte tells a file of exactly maxBytes from a longer one.
            const probe = Buffer.allocUnsafe(1);
            if (readSync(fd, probe, 0, 1, null) > 0) this.truncated = true;
            break;
          }
          const bigger = Buffer.allocUnsafe(Math.min(this.maxBytes, n * 2));
          this.buf.copy(bigger, 0, 0, n);
          this.buf = bigger;
        }
        const got = readSync(fd, this.buf, n, this.buf.length - n, null);
        if (got <= 0) break;
        n += got;
      }
    } finally {
      closeSync(fd);
    }
    if (this.truncated) {
      const nl = this.buf.lastIndexOf(10, n - 1);
      n = nl < 0 ? 0 : nl + 1;
    }
    return n;
  }

  /** The buffer filled by the last {@link readBytes} (valid up to the returned length). */
  get bytes(): Buffer {
    return this.buf;
  }

  /** Read `path` as text (latin1: procfs is ASCII, and latin1 never fails on stray bytes). */
  read(path: string): string {
    const n = this.readBytes(path);
    return this.buf.toString("latin1", 0, n);
  }
}
