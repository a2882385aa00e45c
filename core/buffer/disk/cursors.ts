/**
 * Per-sink cursor files of the disk buffer: `cursors/<sink>.json` = `{"sink": id, "position": n}`,
 * replaced atomically (temp file, optional fsync, rename). Moves are written at the next flush,
 * except a sink's first cursor (written at once) and every move under `fsync: always`.
 * @module
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

/** A cursor file that could not be read (the sink then replays from the oldest record). */
export interface BadCursor {
  id: string;
  path: string;
  problem: string;
}

/** Reads and writes the cursor files in one directory; write errors are reported, not thrown. */
export class CursorStore {
  private readonly dirty = new Map<string, number>();
  /** Sinks whose cursor file exists. */
  private readonly onDisk = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly report: (message: string) => void,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Every cursor on disk, and the files that could not be read. */
  load(): { cursors: Map<string, number>; bad: BadCursor[] } {
    const cursors = new Map<string, number>();
    const bad: BadCursor[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith(".json")) continue;
      const id = decodeURIComponent(name.slice(0, -5));
      const path = join(this.dir, name);
      this.onDisk.add(id);
      try {
        const json = JSON.parse(readFileSync(path, "utf8")) as { position?: unknown };
        const p = json.position;
        if (typeof p !== "number" || !Number.isSafeInteger(p) || p < 0) throw new Error(`invalid position ${JSON.stringify(p)}`);
        cursors.set(id, p);
      } catch (error) {
        bad.push({ id, path, problem: (error as Error).message });
      }
    }
    return { cursors, bad };
  }

  /**
   * Notes that the cursor of `id` moved to `position` (removed when undefined). Written at once
   * when `now` or when the sink has no file yet (without one, a crash before the next flush
   * would make the sink look new after a restart, and new sinks start at the tail).
   */
  changed(id: string, position: number | undefined, now: boolean, durable: boolean): void {
    this.dirty.delete(id);
    if (position === undefined) {
      this.onDisk.delete(id);
      this.attempt(id, () => rmSync(this.path(id), { force: true }));
    } else if (now || !this.onDisk.has(id)) {
      this.write(id, position, durable);
    } else this.dirty.set(id, position);
  }

  /** Writes every cursor that moved since the last flush. */
  flush(durable: boolean): void {
    const moved = [...this.dirty];
    this.dirty.clear();
    for (const [id, position] of moved) this.write(id, position, durable);
  }

  private write(id: string, position: number, durable: boolean): void {
    const ok = this.attempt(id, () => {
      const path = this.path(id);
      const tmp = `${path}.tmp`;
      const fd = openSync(tmp, "w");
      try {
        writeSync(fd, `${JSON.stringify({ sink: id, position })}\n`);
        if (durable) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    });
    if (ok) this.onDisk.add(id);
    else this.dirty.set(id, position); // retried at the next flush
  }

  private attempt(id: string, fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (error) {
      this.report(`cursor of sink ${id} in ${this.dir}: ${(error as Error).message}`);
      return false;
    }
  }

  private path(id: string): string {
    return join(this.dir, `${encodeURIComponent(id)}.json`);
  }
}
