/**
 * Test support: a real, small, full file system. Mounting a tmpfs needs root; tests skip with
 * the reason this returns when it cannot.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";

/** A mounted tmpfs of `size` (e.g. "64k") at `dir`, or why it could not be mounted. */
export interface SmallFileSystem {
  dir: string;
  /** Undefined when mounted; else the reason (print it and skip). */
  cannotMount: string | undefined;
  /** Lazily unmounts it (for afterAll); a no-op when it was never mounted. */
  unmount(): void;
}

/**
 * Mounts a tmpfs of `size` at `dir` (created first).
 *
 * @example
 * const fs = mountSmallTmpfs(join(tmp, "m"), "64k");
 * describe.skipIf(fs.cannotMount !== undefined)("on a full disk", () => { … });
 */
export function mountSmallTmpfs(dir: string, size: string): SmallFileSystem {
  mkdirSync(dir, { recursive: true });
  const mounted = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stderr: "pipe" });
  const cannotMount = mounted.exitCode === 0 ? undefined : `mount -t tmpfs failed: ${mounted.stderr.toString().trim()}`;
  return {
    dir,
    cannotMount,
    unmount: () => {
      if (!cannotMount) Bun.spawnSync(["umount", "-l", dir]);
    },
  };
}

/**
 * Takes every byte left on the file system of `dir` with a filler file (named `name`), so
 * nothing new fits; returns the bytes written. Any error but ENOSPC is thrown.
 */
export function fillUp(dir: string, name = "filler"): number {
  const fd = openSync(join(dir, name), "w");
  const chunk = Buffer.alloc(4096);
  let n = 0;
  try {
    for (;;) n += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  return n;
}
