/**
 * Bounded, allocation-light reads of procfs/sysfs files: one reusable buffer, synchronous
 * `open`/`read`/`close` (procfs answers from kernel memory, never from a disk), and a size
 * cap so a hostile or runaway file cannot balloon a round.
 */
import { closeSync, openSync, readSync } from "node:fs";

/** Default cap of one file: larger files are cut at the last full line below it. */
export const DEFAULT_MAX_FILE_BYTES = 4 << 20;

const PROBE = Buffer.alloc(1);

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
    this.truncated = false;
    try {
      return this.fill(fd, false);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Read a file kept open (from offset 0, `pread`), as {@link readBytes}: procfs regenerates
   * the content on every read, so one `open` serves every round. Throws ESRCH once the process
   * behind a `/proc/<pid>/...` fd is gone.
   */
  readFdBytes(fd: number): number {
    this.truncated = false;
    return this.fill(fd, true);
  }

  /** Read `fd` up to `maxBytes` (from offset 0 with `positioned`, else from its current offset). */
  private fill(fd: number, positioned: boolean): number {
    let n = 0;
    for (;;) {
      const limit = Math.min(this.buf.length, this.maxBytes);
      if (n === limit) {
        if (n >= this.maxBytes) {
          // One more byte tells a file of exactly maxBytes from a longer one.
          if (readSync(fd, PROBE, 0, 1, positioned ? n : null) > 0) this.truncated = true;
          break;
        }
        const bigger = Buffer.allocUnsafe(Math.min(this.maxBytes, n * 2));
        this.buf.copy(bigger, 0, 0, n);
        this.buf = bigger;
        continue;
      }
      const want = limit - n;
      const got = readSync(fd, this.buf, n, want, positioned ? n : null);
      if (got <= 0) break;
      n += got;
      // A kept-open procfs file (`<pid>/stat`, one page at most) comes whole in one read: a short
      // read is its end, and asking again would make the kernel generate the file a second time.
      if (positioned && got < want) break;
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
