/**
 * A lock file that keeps two processes out of one directory (`<data_dir>/lock`,
 * `<data_dir>/buffer/lock`): it holds `{"pid":…,"start":…}` (the holder's pid and its process
 * start time from `/proc/<pid>/stat`, so a reused pid is not mistaken for the holder).
 * @module
 */
import {
  closeSync,
  ftruncateSync,
  linkSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";

/** The directory is held by another live process, or the lock file cannot be taken (the message names the path). */
export class LockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LockError";
  }
}

/** Who holds a lock file: its pid and process start time (undefined when blank, released or unreadable). */
export function readLock(path: string): { pid: number; start?: string } | undefined {
  try {
    const text = lstatSync(path).isSymbolicLink() ? readlinkSync(path) : readFileSync(path, "utf8");
    const j = JSON.parse(text) as { pid?: unknown; start?: unknown };
    return typeof j.pid === "number" && Number.isSafeInteger(j.pid) && j.pid > 0
      ? { pid: j.pid, start: typeof j.start === "string" ? j.start : undefined }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Fields of `/proc/<pid>/stat` after the command name: [0] is the state, [19] the start time. */
function statFields(pid: number, procRoot: string): string[] | undefined {
  try {
    const stat = readFileSync(`${procRoot}/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** Start time of a process (clock ticks since boot, from `/proc/<pid>/stat`), to tell a live holder from a reused pid. */
export function processStartTime(pid: number, procRoot = "/proc"): string | undefined {
  return statFields(pid, procRoot)?.[19];
}

/**
 * True when `pid` is a running process that is the holder: it exists, is not a zombie (state `Z`
 * or `X` in `/proc/<pid>/stat`: exited, only its exit status is left) and, when `start` is
 * known, started at that time (otherwise the pid was reused by another process).
 */
export function holderAlive(pid: number, start: string | undefined, procRoot = "/proc"): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const f = statFields(pid, procRoot);
  if (!f) return true; // no /proc: the signal check is all we have
  if (f[0] === "Z" || f[0] === "X") return false;
  return start === undefined || f[19] === start;
}

/**
 * Overwrites a small existing file in place (no new disk block needed: works on a full file
 * system). A lock that is a symbolic link (see {@link writeNew}) is replaced by a new link.
 */
function overwrite(path: string, text: string): void {
  if (lstatSync(path).isSymbolicLink()) {
    rmSync(path);
    symlinkSync(text.trim(), path);
    return;
  }
  const fd = openSync(path, "r+");
  try {
    const b = Buffer.from(text);
    writeSync(fd, b, 0, b.length, 0);
    ftruncateSync(fd, b.length);
  } catch (error) {
    if (errno(error) !== "ENOSPC" && errno(error) !== "EDQUOT") throw error;
    rmSync(path); // an empty file had no block to reuse: a link needs none
    symlinkSync(text.trim(), path);
  } finally {
    closeSync(fd);
  }
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

/**
 * Creates the claim file `path` holding `text`. On a full file system, where even a few bytes of
 * file data find no block, it becomes a symbolic link whose target is the text: a short link is
 * kept in the inode itself (ext4, xfs, tmpfs), so an agent can take a lock it never had (e.g. after
 * an upgrade) on a full disk.
 */
function writeNew(path: string, text: string): void {
  try {
    writeFileSync(path, text, { flag: "wx" });
  } catch (error) {
    if (errno(error) !== "ENOSPC" && errno(error) !== "EDQUOT") throw error;
    rmSync(path, { force: true });
    symlinkSync(text.trim(), path);
  }
}

/**
 * Takes the lock file `path` for this process, atomically: a free one (absent, released, or held
 * by a dead process, a zombie or a reused pid) is claimed by renaming it to a name unique to this
 * process (one of two racing processes wins the rename), rewriting it in place (no new disk
 * space: this works on a full disk), and linking it back (fails if another process created the
 * lock meanwhile). Throws {@link LockError} naming the path and the holder.
 *
 * @example
 * const lock = acquireLock("/var/lib/agent/lock");
 * try { ... } finally { lock.release(); }
 */
export function acquireLock(path: string, procRoot = "/proc"): { release(): void } {
  const content = `${JSON.stringify({ pid: process.pid, start: processStartTime(process.pid, procRoot) })}\n`;
  for (let attempt = 0; attempt < 20; attempt++) {
    const holder = readLock(path);
    if (holder && holder.pid !== process.pid && holderAlive(holder.pid, holder.start, procRoot)) {
      throw new LockError(`${path}: in use by another running process (pid ${holder.pid}); give each agent its own data_dir`);
    }
    const mine = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
    try {
      renameSync(path, mine); // only one claimant wins this
      const was = readLock(mine);
      if (was && was.pid !== process.pid && holderAlive(was.pid, was.start, procRoot)) {
        // A live process took it between our read and our rename: give it back.
        try {
          linkSync(mine, path);
        } catch {
          // it made a new one meanwhile
        }
        rmSync(mine, { force: true });
        continue;
      }
      overwrite(mine, content);
    } catch (error) {
      if (errno(error) !== "ENOENT") throw new LockError(`${path}: cannot take the lock: ${(error as Error).message}`);
      if (readLock(path)) continue; // someone else's, just created
      try {
        writeNew(mine, content);
      } catch (e) {
        throw new LockError(`${path}: cannot create the lock file: ${errno(e) === "ENOSPC" ? "disk full: " : ""}${(e as Error).message}`);
      }
    }
    try {
      linkSync(mine, path);
      return { release: () => releaseLock(path) };
    } catch (error) {
      if (errno(error) !== "EEXIST") throw new LockError(`${path}: cannot take the lock: ${(error as Error).message}`);
    } finally {
      rmSync(mine, { force: true });
    }
  }
  throw new LockError(`${path}: cannot take the lock: other processes keep taking it`);
}

/**
 * Releases a lock this process holds: the file is blanked in place, not deleted, so the next
 * start can take it even on a full disk. Does nothing when another process holds it.
 */
export function releaseLock(path: string): void {
  try {
    if (readLock(path)?.pid === process.pid) overwrite(path, "released\n");
  } catch {
    // already gone
  }
}
