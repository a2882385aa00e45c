/**
 * Byte sizes in the config: `256MiB`, `8 MiB`, `1GB`, `512KiB`, or a plain number of bytes.
 * `KB`/`MB`/`GB`/`TB` are powers of 1000, `KiB`/`MiB`/`GiB`/`TiB` powers of 1024.
 */

/** Pattern of a size string (also used in the JSON Schema). */
export const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?$/i;

/** What a valid size looks like, for error messages. */
export const SIZE_HINT = "a size like 8MiB, 256MiB, 1GiB, 500MB or a number of bytes";

const UNIT: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/**
 * Parses a size to whole bytes; `undefined` when the text is not a size.
 *
 * @example
 * parseSize("256MiB"); // 268435456
 * parseSize("1.5KB");  // 1500
 * parseSize(4096);     // 4096
 */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  const m = SIZE_PATTERN.exec(value.trim());
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * UNIT[(m[2] ?? "b").toLowerCase()]);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
