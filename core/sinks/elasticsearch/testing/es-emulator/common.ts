/**
 * Helpers every handler uses: ES's error body and the `*` glob of index patterns and `filter_path`.
 * @module
 */
import type { Json } from "./types.ts";

/** ES's rendering of an exception: `{error:{root_cause,type,reason,...},status}`. */
export function esError(status: number, type: string, reason: string, extra: Json = {}): Json {
  return { error: { root_cause: [{ type, reason }], type, reason, ...extra }, status };
}

/** A `*` glob (any run of characters) as an anchored RegExp. */
export const globRe = (g: string) =>
  new RegExp(
    `^${g
      .split("*")
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
