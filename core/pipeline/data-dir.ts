/**
 * The data directory: the writability check `agent run` and `agent validate` share, and the
 * `disk` block of `/status` (is anything held back by a full disk).
 * @module
 */
import { closeSync, mkdirSync, openSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { BufferError, type RecordBuffer } from "../buffer/index.ts";
import { acquireLock, LockError } from "../runtime/dir-lock.ts";
import type { RateLimitedLog } from "../telemetry/log.ts";
import type { Telemetry } from "../telemetry/metrics.ts";
import { openRuntimeBuffer } from "./buffer.ts";
import { SeqGate } from "./seq-gate.ts";
import { StartError } from "./slots.ts";
import type { PipelineBufferConfig } from "./types.ts";

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
export function diskStatus(
  dataDir: string,
  seq: SeqGate | undefined,
  buffer: RecordBuffer | undefined,
): { data_dir: string; full: boolean; problem: string | null; waiting_since: string | null; seq_reserved_ahead: number | null } {
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

/** The `/readyz` reason for {@link diskStatus}: none, or one naming the full disk. */
export function diskReasons(disk: ReturnType<typeof diskStatus>): string[] {
  return disk.full ? [`disk full: ${disk.problem}; the sources are held back until there is space`] : [];
}

/**
 * Opens what the runtime keeps in `data_dir`, in this order: the directory (created, proven
 * writable), its lock (`<data_dir>/lock`: before anything else in it is touched, so two agents
 * started at once never both write `seq.json`), the sequence, the record buffer. Throws
 * {@link StartError} with one line naming the path; the lock is released again on failure.
 */
export async function openDataDir(
  dir: string,
  buffer: PipelineBufferConfig,
  telemetry: Telemetry,
  rl: RateLimitedLog,
): Promise<{ lock: { release(): void }; seq: SeqGate; buffer: RecordBuffer }> {
  const problem = prepareDataDir(dir);
  if (problem) throw new StartError(problem);
  let lock: { release(): void };
  try {
    lock = acquireLock(join(dir, "lock"));
  } catch (error) {
    throw error instanceof LockError ? new StartError(`data_dir ${dir}: ${error.message}`) : error;
  }
  try {
    const seq = new SeqGate(dir, telemetry, rl);
    return { lock, seq, buffer: await openRuntimeBuffer(buffer, telemetry, rl) };
  } catch (error) {
    lock.release();
    if (error instanceof BufferError || (error as Error).name === "SeqError") throw new StartError((error as Error).message);
    throw error;
  }
}
