/**
 * Which file paths a bundle may list: what arrives in a manifest over the network becomes a
 * path under the install directory, so it must stay a plain relative path inside it.
 */
import { MANIFEST_FILE } from "../format/manifest.ts";

/** One path segment: 1–64 of letters, digits, '.', '_', '-', not starting with '.' (no `..`, no hidden files). */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

/** Most segments and characters of a bundle file path. */
export const BUNDLE_PATH_LIMITS = { depth: 8, length: 256 } as const;

/**
 * Why `path` cannot be a bundle file path, or undefined when it can: relative, `/`-separated
 * segments of {@link SEGMENT} (so no `..`, `.`, empty segment, leading or trailing `/`,
 * backslash, NUL or control character), at most {@link BUNDLE_PATH_LIMITS}, and not the manifest.
 *
 * @example
 * bundlePathProblem("weights.bin");      // undefined
 * bundlePathProblem("../../etc/passwd"); // "segment \"..\" …"
 */
export function bundlePathProblem(path: string): string | undefined {
  if (typeof path !== "string" || path.length === 0) return "empty path";
  if (path.length > BUNDLE_PATH_LIMITS.length) return `longer than ${BUNDLE_PATH_LIMITS.length} characters`;
  const segments = path.split("/");
  if (segments.length > BUNDLE_PATH_LIMITS.depth) return `deeper than ${BUNDLE_PATH_LIMITS.depth} directories`;
  const bad = segments.find((s) => !SEGMENT.test(s));
  if (bad === undefined) {
    const special = segments.find((s) => s === "__proto__" || s === "constructor" || s === "prototype");
    if (special !== undefined) return `segment ${JSON.stringify(special)} is a reserved name`;
  }
  if (bad !== undefined) return `segment ${JSON.stringify(bad)} is not 1–64 of letters, digits, '.', '_', '-' (not starting with '.')`;
  if (path === MANIFEST_FILE) return `${MANIFEST_FILE} is the manifest itself`;
  return undefined;
}
