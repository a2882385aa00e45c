import { constants } from "node:fs";
import { lstat, open } from "node:fs/promises";
import { join } from "node:path";

/** A bundle file that is not a plain regular file of the expected size. */
export class UnsafeFileError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = "UnsafeFileError";
  }
}

function kindOf(s: {
  isFIFO(): boolean;
  isSymbolicLink(): boolean;
  isDirectory(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (s.isFIFO()) return "a FIFO";
  if (s.isSymbolicLink()) return "a symbolic link";
  if (s.isDirectory()) return "a directory";
  if (s.isSocket()) return "a socket";
  if (s.isCharacterDevice() || s.isBlockDevice()) return "a device";
  return "not a regular file";
}

/**
 * Reads `rel` under `dir` only if it is a regular file: no symlink anywhere along the path
 * below `dir`, never blocks on a FIFO or device (opened `O_NONBLOCK | O_NOFOLLOW`, then
 * `fstat`), and at most `maxBytes` (checked before reading). Throws {@link UnsafeFileError}
 * naming the path and what it is; ENOENT passes through as is.
 *
 * @example
 * const bytes = await readRegularFile("models/ae", "weights.bin", 1 << 20);
 */
export async function readRegularFile(dir: string, rel: string, maxBytes: number): Promise<Uint8Array> {
  const parts = rel.split("/");
  for (let i = 1; i < parts.length; i++) {
    const p = join(dir, ...parts.slice(0, i));
    const s = await lstat(p);
    if (!s.isDirectory()) throw new UnsafeFileError(rel, `${parts.slice(0, i).join("/")} is ${kindOf(s)}, not a directory`);
  }
  const full = join(dir, rel);
  let fh;
  try {
    fh = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "EMLINK") throw new UnsafeFileError(rel, "is a symbolic link; bundles hold regular files only");
    if (code === "ENXIO") throw new UnsafeFileError(rel, "is a socket or FIFO; bundles hold regular files only");
    throw error;
  }
  try {
    const s = await fh.stat();
    if (!s.isFile()) throw new UnsafeFileError(rel, `is ${kindOf(s)}; bundles hold regular files only`);
    if (s.size > maxBytes) throw new UnsafeFileError(rel, `has ${s.size} bytes, more than the ${maxBytes} expected`);
    const buf = new Uint8Array(s.size);
    let at = 0;
    while (at < s.size) {
      const { bytesRead } = await fh.read(buf, at, s.size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === s.size ? buf : buf.subarray(0, at);
  } finally {
    await fh.close();
  }
}
