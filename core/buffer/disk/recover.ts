/**
 * Start-up of the disk buffer: the directory is checked (writable, not used by another live
 * agent, room for a segment), then every segment is scanned.
 * @module
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BufferError } from "../buffer.ts";
import { acquireLock, LockError, releaseLock } from "../../runtime/dir-lock.ts";
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
 *
 * A file system filled by the buffer's own backlog is not an error (refusing to start would
 * keep the backlog from ever draining: a crash loop): the buffer opens, `when_full` applies to
 * new records until the sinks free space. Returns a description of that case.
 */
export function prepareDir(dir: string, segmentBytes: number, free: (dir: string) => number = freeBytes): { diskFull?: string } {
  let full: string | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.probe-${process.pid}`);
    try {
      writeFileSync(probe, "ok\n");
    } finally {
      rmSync(probe, { force: true });
    }
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code !== "ENOSPC") throw new BufferError(`buffer directory ${dir} is not writable: ${e.message}`);
    full = `disk full (${e.message})`;
  }
  const available = free(dir);
  if (available < segmentBytes) full ??= `disk full: ${available} bytes free, the buffer needs at least one segment (${segmentBytes} bytes)`;
  const backlog = readdirSync(dir).some((n) => segmentId(n) !== undefined);
  if (full && !backlog) throw new BufferError(`buffer directory ${dir}: ${full}`);
  try {
    acquireLock(join(dir, "lock"));
  } catch (error) {
    if (!(error instanceof LockError)) throw error;
    throw new BufferError(`buffer directory ${dir}: ${error.message}`);
  }
  return full
    ? { diskFull: `buffer directory ${dir}: ${full}; starting with the backlog on disk, new records wait for space (when_full) until the sinks drain it` }
    : {};
}

/**
 * Releases the lock file taken by {@link prepareDir} (only when this process holds it). The file
 * is blanked in place rather than deleted, so the next start can take it even on a full disk.
 */
export function releaseDir(dir: string): void {
  releaseLock(join(dir, "lock"));
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
  let setAside: string[] = []; // unusable segments since the last good one
  for (const f of found) {
    const path = join(dir, f.name);
    const s = Segment.scan(path, f.id, report);
    if (!s) {
      renameSync(path, `${path}.corrupt`);
      setAside.push(`${path}.corrupt`);
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
    if (prev) reportLost(prev, s.base, setAside, report);
    setAside = [];
    segments.push(s);
  }
  const last = segments[segments.length - 1];
  if (last?.torn)
    report("corrupt_record", `${last.path}: torn or corrupt record at byte ${last.torn.at}; the last ${last.torn.bytes} bytes of the segment are skipped`);
  const nextId = found.length ? found[found.length - 1].id + 1 : 1;
  return { segments, nextId };
}

/**
 * Counts the records lost between a good segment and the next one (`nextBase`): a torn or
 * unreadable tail of `prev` and the segments set aside in between. Positions are contiguous, so
 * the gap is exactly the number of records lost.
 */
function reportLost(prev: Segment, nextBase: number, setAside: string[], report: CorruptReport): void {
  const lost = nextBase - prev.end;
  if (!prev.torn && (lost <= 0 || setAside.length === 0)) return;
  const where = [
    ...(prev.torn ? [`${prev.path}: torn or corrupt record at byte ${prev.torn.at}; the last ${prev.torn.bytes} bytes of the segment are skipped`] : []),
    ...setAside.map((p) => `${p} set aside`),
  ].join("; ");
  report("corrupt_record", `${where}: ${Math.max(0, lost)} records (positions ${prev.end}–${nextBase - 1}) lost`, Math.max(0, lost));
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
