/**
 * The `only` filter of the file and stdout sinks.
 * @module
 */
import type { OutRecord } from "../../events.ts";

/** Which records a file/stdout sink writes; the others count as delivered. */
export type OnlyFilter = "all" | "points" | "anomalies";

/** Default of every `only` option. */
export const DEFAULT_ONLY: OnlyFilter = "all";

/**
 * True when `record` passes the `only` filter.
 *
 * @example
 * batch.filter((r) => passesOnly(r, "anomalies"));
 */
export function passesOnly(record: OutRecord, only: OnlyFilter): boolean {
  if (only === "all") return true;
  return only === "points" ? record.kind === "point" : record.kind === "anomaly";
}
