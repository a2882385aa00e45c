/**
 * `type: file` in `sinks:`: the YAML schema and its conversion to the runtime config
 * {@link FileSinkConfig}.
 * @module
 */
import { resolve } from "node:path";
import { z } from "zod";
import { SINK_COMMON, sinkBase, type SinkConfigBase, type SinkContext } from "../component.ts";

/** `type: file` — JSON lines appended to a local file. */
export const FileSinkSchema = z.object({ type: z.literal("file"), ...SINK_COMMON, path: z.string().min(1) }).strict();

/** A parsed `type: file` entry. */
export type FileSinkFile = z.output<typeof FileSinkSchema>;

/** `type: file` runtime config. */
export interface FileSinkConfig extends SinkConfigBase {
  type: "file";
  /** Absolute path. */
  path: string;
}

/**
 * Parsed entry → runtime config: the path resolved against the config file's directory.
 *
 * @example
 * toFileSinkConfig(FileSinkSchema.parse({ type: "file", id: "f", path: "out.jsonl" }), { configDir: "/etc/agent", ... }).path;
 * // "/etc/agent/out.jsonl"
 */
export function toFileSinkConfig(s: FileSinkFile, ctx: SinkContext): FileSinkConfig {
  return { type: s.type, ...sinkBase(s), path: resolve(ctx.configDir, s.path) };
}
