/**
 * File-system helpers of the readers, turning OS errors into {@link DataError}s.
 */
import { readFile, stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import { DataError } from "./errors.ts";

/**
 * Series name of a file: its base name without extension.
 *
 * @example
 * seriesName("out/series/series_0001.csv"); // "series_0001"
 */
export function seriesName(path: string): string {
  const b = basename(path);
  return b.slice(0, b.length - extname(b).length);
}

function osReason(err: unknown, what: string): string {
  const code = (err as { code?: string }).code;
  if (code === "ENOENT") return `${what} not found`;
  if (code === "EISDIR") return "is a directory, not a file";
  if (code === "ENOTDIR") return "not a directory";
  if (code === "EACCES") return "permission denied";
  return `cannot read ${what} (${code ?? String(err)})`;
}

/**
 * Read a UTF-8 text file; a missing or unreadable file throws a DataError.
 *
 * @example
 * const text = await readText("labels.json");
 */
export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new DataError(path, osReason(err, "file"));
  }
}

/**
 * Whether `path` is a directory (false when it does not exist).
 *
 * @example
 * await isDirectory("out/ds/series"); // true
 */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Whether `path` exists (file or directory).
 *
 * @example
 * await exists("out/ds/labels.json"); // false for a NAB-style folder without labels
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
