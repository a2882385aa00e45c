/**
 * Where installed versions live, and the only way the updater removes one: names and versions
 * must be safe path segments ({@link isName}) before they touch a path, and a removal is refused
 * unless the real path (symlinks resolved) is a version directory strictly inside
 * `<data_dir>/models/<name>/`.
 */
import { lstat, realpath, rm } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { isName } from "../../models/registry-protocol/protocol.ts";

/** Thrown when a name or version that came from outside would not be a single safe path segment. */
export class UnsafePathError extends Error {
  constructor(what: string, value: unknown) {
    super(`${what} ${JSON.stringify(String(value).slice(0, 80))} is not a safe name (1–64 of letters, digits, '.', '_', '-', starting with a letter or digit)`);
    this.name = "UnsafePathError";
  }
}

/** `<data_dir>/models`. */
export function modelsDir(dataDir: string): string {
  return join(dataDir, "models");
}

/**
 * Directory of one installed version: `<data_dir>/models/<name>/<version>`. Throws
 * {@link UnsafePathError} unless both are safe names.
 *
 * @example
 * versionDir("var", "host-ae", "7");          // "var/models/host-ae/7"
 * versionDir("var", "host-ae", "../../etc");  // throws UnsafePathError
 */
export function versionDir(dataDir: string, name: string, version: string): string {
  if (typeof name !== "string" || !isName(name)) throw new UnsafePathError("model name", name);
  if (typeof version !== "string" || !isName(version)) throw new UnsafePathError("model version", version);
  return join(modelsDir(dataDir), name, version);
}

/**
 * Removes the installed version `<data_dir>/models/<name>/<version>` — and nothing else: the
 * names must be safe, the directory must not be a symlink, and its real path must sit directly
 * in the real `<data_dir>/models/<name>`. Returns false (removing nothing) otherwise or when it
 * does not exist.
 *
 * @example
 * await removeVersion("var", "host-ae", "8"); // true
 */
export async function removeVersion(dataDir: string, name: string, version: string): Promise<boolean> {
  let dir: string;
  try {
    dir = versionDir(dataDir, name, version);
    if ((await lstat(dir)).isSymbolicLink()) return false;
    const [real, parent, models] = await Promise.all([realpath(dir), realpath(join(modelsDir(dataDir), name)), realpath(modelsDir(dataDir))]);
    if (dirname(real) !== parent || dirname(parent) !== models || !real.startsWith(models + sep)) return false;
    await rm(real, { recursive: true, force: true });
    return true;
  } catch {
    return false;
  }
}
