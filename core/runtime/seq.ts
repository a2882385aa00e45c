import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";

/** Thrown when the sequence file cannot be read or written (names the path). */
export class SeqError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = "SeqError";
  }
}

/**
 * The per-agent record sequence (`agent.seq`): increases by one per record and never repeats,
 * across restarts and crashes.
 *
 * Numbers are reserved in blocks: before handing out a number at or past the reserved mark, the
 * new mark is written (temp file + fsync + rename). A clean {@link close} records the exact next
 * number, so a graceful restart continues without a gap; after a crash the agent continues from
 * the last reserved mark (a gap of at most one block, never a repeat).
 */
export class SeqAllocator {
  private nextSeq: number;
  private reserved: number;
  readonly path: string;

  constructor(
    dataDir: string,
    private readonly block = 10_000,
  ) {
    this.path = join(dataDir, "seq.json");
    let start = 1;
    try {
      const json = JSON.parse(readFileSync(this.path, "utf8")) as { next?: unknown };
      if (typeof json.next !== "number" || !Number.isSafeInteger(json.next) || json.next < 1) {
        throw new SeqError(this.path, `invalid "next" ${JSON.stringify(json.next)}`);
      }
      start = json.next;
    } catch (error) {
      if (error instanceof SeqError) throw error;
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new SeqError(this.path, `cannot read sequence file: ${(error as Error).message}`);
      }
    }
    this.nextSeq = start;
    this.reserved = start;
    this.persist(start + this.block);
    this.reserved = start + this.block;
  }

  /** The next number {@link take} would return. */
  peek(): number {
    return this.nextSeq;
  }

  /** Takes one number. */
  take(): number {
    if (this.nextSeq >= this.reserved) {
      this.persist(this.reserved + this.block);
      this.reserved += this.block;
    }
    return this.nextSeq++;
  }

  /** Records the exact next number (call on clean shutdown). */
  close(): void {
    this.persist(this.nextSeq);
    this.reserved = this.nextSeq;
  }

  private persist(next: number): void {
    const tmp = `${this.path}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const fd = openSync(tmp, "w");
      try {
        writeSync(fd, JSON.stringify({ next }) + "\n");
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
    } catch (error) {
      throw new SeqError(this.path, `cannot write sequence file: ${(error as Error).message}`);
    }
  }
}
