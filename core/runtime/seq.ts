import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Thrown when the sequence file cannot be read or written (names the path). `full`: the file system is out of space. */
export class SeqError extends Error {
  constructor(
    readonly path: string,
    problem: string,
    readonly full = false,
  ) {
    super(`${path}: ${problem}`);
    this.name = "SeqError";
  }
}

/** The file is always written this long (JSON padded with spaces), so it can be rewritten in place on a full disk. */
const FILE_BYTES = 64;

/** How many rounds' worth of numbers {@link SeqAllocator.reserve} keeps reserved ahead when a round is larger than an eighth of a block. */
export const ROUNDS_AHEAD = 8;

const isDiskFull = (e: unknown) => ["ENOSPC", "EDQUOT"].includes((e as NodeJS.ErrnoException).code ?? "");

/**
 * The per-agent record sequence (`agent.seq`): increases by one per record and never repeats,
 * across restarts and crashes.
 *
 * Numbers are reserved in blocks (`<data_dir>/seq.json` holds the reservation mark): before a
 * number at or past the mark is handed out, a new mark is written (unique temp file + fsync +
 * rename; on a full disk the 64-byte file is rewritten in place, which needs no new space). The
 * runtime calls {@link reserve} before each round, which also reserves ahead (a block, or
 * {@link ROUNDS_AHEAD} rounds when that is more) once fewer than half of that would be left, so a
 * disk that cannot take even that only holds the agent back at a block boundary, and a large
 * round does not write (and fsync) the file every time: at 10k series × 1 Hz a round reserves
 * 20k numbers (a point and a possible event per sample) and takes ~10k; with a block of 10k the
 * mark was rewritten every round, now about every 8 s. A clean {@link close} records the exact
 * next number (or gives back numbers never stored), so a graceful restart continues without a
 * gap; after a crash the agent continues from the last reserved mark (a gap of at most what was
 * reserved ahead: one block and a half, or for large rounds about `ROUNDS_AHEAD + 1` rounds'
 * reservations; never a repeat: no number at or past the mark on disk is ever handed out).
 */
export class SeqAllocator {
  private nextSeq: number;
  private reserved: number;
  /** Why the last reservation failed (disk full), until one succeeds. */
  lastError: string | undefined;
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
    this.removeStaleTemps();
    this.nextSeq = start;
    this.reserved = start;
    this.extend(start + this.block, true);
  }

  /** The next number {@link take} would return. */
  peek(): number {
    return this.nextSeq;
  }

  /** Numbers that can be taken without writing the file. */
  get available(): number {
    return this.reserved - this.nextSeq;
  }

  /** Takes one number; writes a new mark first when the reserved block is used up (throws {@link SeqError} when it cannot). */
  take(): number {
    if (this.nextSeq >= this.reserved) this.extend(this.nextSeq + this.block, false);
    return this.nextSeq++;
  }

  /**
   * Makes sure `n` numbers can be taken without writing, and reserves ahead — `max(block,
   * ROUNDS_AHEAD × n)` numbers past them — when fewer than half of that would be left after them.
   * Returns false (with {@link lastError} set) when the `n` numbers are not reserved because the
   * disk is full; throws {@link SeqError} on other write errors.
   */
  reserve(n: number): boolean {
    const ahead = Math.max(this.block, ROUNDS_AHEAD * n);
    if (this.available - n >= ahead / 2) return true;
    this.extend(Math.max(this.reserved, this.nextSeq + n) + ahead, true);
    return this.available >= n;
  }

  /**
   * Records the exact next number (call on clean shutdown, after everything taken was stored).
   * `firstUnused` gives back the numbers from there on (taken but never stored anywhere: a round
   * held back by a full disk at the stop); they are handed out again by the next run. Returns the
   * problem instead of throwing: the reservation mark on disk is then kept (a gap, never a repeat).
   */
  close(firstUnused = this.nextSeq): string | undefined {
    const next = Math.min(this.nextSeq, Math.max(1, firstUnused));
    try {
      this.persist(next);
      this.nextSeq = next;
      this.reserved = next;
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Writes the mark `next`; with `soft`, a full disk is remembered in {@link lastError} instead of thrown. */
  private extend(next: number, soft: boolean): void {
    try {
      this.persist(next);
      this.reserved = next;
      this.lastError = undefined;
    } catch (error) {
      const e = error as SeqError;
      if (!soft || !e.full) throw error;
      this.lastError = e.message;
    }
  }

  private persist(next: number): void {
    const text = JSON.stringify({ next }).padEnd(FILE_BYTES - 1) + "\n";
    const tmp = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      try {
        writeDurably(tmp, "w", text);
        renameSync(tmp, this.path);
      } catch (error) {
        rmSync(tmp, { force: true });
        if (!isDiskFull(error)) throw error;
        // No room for a new file: rewrite the existing one in place (its block is already allocated).
        try {
          writeDurably(this.path, "r+", text);
        } catch (inPlace) {
          throw (inPlace as NodeJS.ErrnoException).code === "ENOENT" ? error : inPlace;
        }
      }
    } catch (error) {
      throw new SeqError(this.path, `cannot write sequence file: ${(error as Error).message}`, isDiskFull(error));
    }
  }

  /** Removes temp files left by a crash mid-write (the data-dir lock is held: no other writer). */
  private removeStaleTemps(): void {
    const name = basename(this.path);
    try {
      for (const f of readdirSync(dirname(this.path))) {
        if (f.startsWith(`${name}.`) && f.endsWith(".tmp")) rmSync(join(dirname(this.path), f), { force: true });
      }
    } catch {
      // no directory yet
    }
  }
}

/** Writes `text` at offset 0 of `path` (opened with `flag`) and fsyncs it. */
function writeDurably(path: string, flag: "w" | "r+", text: string): void {
  const fd = openSync(path, flag);
  try {
    writeSync(fd, text, 0, "utf8");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
