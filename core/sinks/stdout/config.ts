/**
 * `type: stdout` in `sinks:`: the YAML schema and its conversion to the runtime config
 * {@link StdoutSinkConfig}.
 * @module
 */
import { z } from "zod";
import { SINK_COMMON, sinkBase, type SinkConfigBase } from "../component.ts";

/** `type: stdout` — JSON lines on standard output. */
export const StdoutSinkSchema = z.object({ type: z.literal("stdout"), ...SINK_COMMON }).strict();

/** A parsed `type: stdout` entry. */
export type StdoutSinkFile = z.output<typeof StdoutSinkSchema>;

/** `type: stdout` runtime config. */
export interface StdoutSinkConfig extends SinkConfigBase {
  type: "stdout";
}

/**
 * Parsed entry → runtime config (only the common keys).
 *
 * @example
 * toStdoutSinkConfig(StdoutSinkSchema.parse({ type: "stdout", id: "o" })).only; // "all"
 */
export function toStdoutSinkConfig(s: StdoutSinkFile): StdoutSinkConfig {
  return { type: s.type, ...sinkBase(s) };
}
