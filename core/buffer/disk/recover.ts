/**
 * Start-up of the disk buffer: the directory is checked (writable, not used by another live
 * agent, room for a segment), then every segment is scanned.
 * @module
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BufferError } from "../buffer.ts";
import { Segment, segmentId, type CorruptReport } from "./segment.ts";

/** Free bytes for unprivileged writers on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/**
 * Checks that `dir` can hold the buffer: creates it, proves it writable, takes the lock file
 * (refusing a directory held by another live process), and requires room for one segment.
 * Throws {@link BufferError} naming the path.
 */
export function prepareDir(dir: string, segmentBytes: number, free: (dir: string) => number = freeBytes): void {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.probe-${process.pid}`);
    writeFileSync(probe, "ok\n");
    rmSync(probe, { force: true });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === "ENOSPC") throw new BufferError(`buffer directory ${dir}: disk full (${e.message})`);
    throw new BufferError(`buffer directory ${dir} is not writable: ${e.message}`);
  }
  const available = free(dir);
  if (available < segmentBytes) {
    throw new BufferError(`buffer directory ${dir}: disk full: ${available} bytes free, the buffer needs at least one segment (${segmentBytes} bytes)`);
  }
  const lock = join(dir, "lock");
  const holder = readLock(lock);
  if (holder && holder.pid !== process.pid && alive(holder.pid, holder.start)) {
    throw new BufferError(`buffer directory ${dir} is in use by another process (pid ${holder.pid}, ${lock}); give each agent its own data_dir`);
  }
  writeFileSync(lock, `${JSON.stringify({ pid: process.pid, start: startTime(process.pid) })}\n`);
}

function readLock(path: string): { pid: number; start?: string } | undefined {
  try {
    const j = JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown; start?: unknown };
    return typeof j.pid === "number" ? { pid: j.pid, start: typeof j.start === "string" ? j.start : undefined } : undefined;
  } catch {
    return undefined;
  }
}

/** Start time of a process (Linux /proc), to tell a live holder from a reused pid. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** Removes the lock file taken by {@link prepareDir} (only when this process holds it). */
export function releaseDir(dir: string): void {
  const lock = join(dir, "lock");
  try {
    if (readLock(lock)?.pid === process.pid) rmSync(lock, { force: true });
  } catch {
    // already gone
  }
}

function alive(pid: number, start: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const now = startTime(pid);
  return start === undefined || now === undefined || now === start;
}

/**
 * Scans the segments in `dir`, oldest first. A segment with an unusable header is renamed to
 * `*.corrupt` (and reported) so it is not read again; a newer format version throws
 * `SegmentVersionError`. Returns the segments and the id to give the next one.
 */
export function scanSegments(dir: string, report: CorruptReport): { segments: Segment[]; nextId: number } {
  const found = readdirSync(dir)
    .map((name) => ({ name, id: segmentId(name) }))
    .filter((f): f is { name: string; id: number } => f.id !== undefined)
    .sort((a, b) => a.id - b.id);
  const segments: Segment[] = [];
  for (const f of found) {
    const path = join(dir, f.name);
    const s = Segment.scan(path, f.id, report);
    if (!s) {
      renameSync(path, `${path}.corrupt`);
      continue;
    }
    const prev = segments[segments.length - 1];
    if (prev && s.base < prev.end) {
      // Positions overlap (the previous segment lost its tail before this one was started):
      // the newer segment wins.
      const keep = Math.max(0, s.base - prev.base);
      prev.dataEnd = prev.offsets[keep] ?? prev.dataEnd;
      prev.offsets.length = keep;
    }
    segments.push(s);
  }
  const nextId = found.length ? found[found.length - 1].id + 1 : 1;
  return { segments, nextId };
}

/** fsync of a directory (new or renamed entries), best effort. */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not supported everywhere; the data files are fsync'ed anyway
  }
}
