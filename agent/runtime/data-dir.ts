/**
 * The data directory: the writability check `agent run` and `agent validate` share, and the
 * `disk` block of `/status` (is anything held back by a full disk).
 * @module
 */
import { closeSync, mkdirSync, openSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { RecordBuffer } from "../../core/buffer/index.ts";
import type { SeqGate } from "./seq-gate.ts";

const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? "";

/**
 * Proves `dir` (an existing directory) writable by creating and removing a probe file in it. A
 * full disk (ENOSPC, EDQUOT) is not "unwritable": the agent starts and waits for space. Returns
 * the problem, or undefined.
 */
function probe(dir: string): string | undefined {
  const path = join(dir, `.write-probe-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  try {
    closeSync(openSync(path, "wx"));
  } catch (error) {
    return ["ENOSPC", "EDQUOT"].includes(code(error)) ? undefined : (error as Error).message;
  } finally {
    try {
      rmSync(path, { force: true });
    } catch {
      // nothing was created (read-only file system)
    }
  }
  return undefined;
}

/**
 * What `agent run` checks at start: creates `dir` (with its parents) and proves it writable.
 * Returns a one-line problem naming the directory, or undefined.
 */
export function prepareDataDir(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    return `data_dir ${dir} is not writable: ${(error as Error).message}`;
  }
  const p = probe(dir);
  return p && `data_dir ${dir} is not writable: ${p}`;
}

/**
 * The same check without leaving anything behind (`agent validate`): an existing `dir` is probed;
 * a missing one must be creatable, i.e. its nearest existing ancestor is a writable directory.
 * Returns the problem, or undefined.
 */
export function checkDataDir(dir: string): string | undefined {
  let at = resolve(dir);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(at).isDirectory();
    } catch (error) {
      if (code(error) !== "ENOENT" && code(error) !== "ENOTDIR") return `cannot check ${at}: ${(error as Error).message}`;
      const up = dirname(at);
      if (up === at) return `no existing parent directory`;
      at = up;
      continue;
    }
    if (!isDir) return `${at} is not a directory`;
    const p = probe(at);
    return p && (at === resolve(dir) ? `not writable: ${p}` : `cannot be created: ${at} is not writable: ${p}`);
  }
}

/** The `disk` block of `/status`: `full` while a round waits for the sequence file or a blocked append waits on a full file system. */
export function diskStatus(dataDir: string, seq: SeqGate | undefined, buffer: RecordBuffer | undefined): { data_dir: string; full: boolean; problem: string | null; waiting_since: string | null; seq_reserved_ahead: number | null } {
  const s = seq?.status();
  const blocked = buffer?.stats().blocked;
  const bufferFull = blocked?.reason === "disk_full" ? blocked : undefined;
  const since = s?.waiting_for_space_since ?? (bufferFull ? new Date(bufferFull.since).toISOString() : null);
  return {
    data_dir: dataDir,
    full: since !== null,
    problem: s?.problem ?? (bufferFull ? `buffer: ${bufferFull.message}` : null),
    waiting_since: since,
    seq_reserved_ahead: s?.reserved_ahead ?? null,
  };
}
