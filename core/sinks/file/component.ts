/**
 * The file sink as a configurable component (see ../component.ts): schema, conversion, factory
 * and the `agent config example` block.
 * @module
 */
import { defineSink } from "../component.ts";
import { FileSinkSchema, toFileSinkConfig } from "./config.ts";
import { createFileSink } from "./sink.ts";

/** `type: file`. */
export const fileSink = defineSink({
  schema: FileSinkSchema,
  toConfig: toFileSinkConfig,
  build: (c) => createFileSink({ id: c.id, path: c.path }),
  example: {
    enabled: true,
    yaml: `  # JSON lines in a local file.
  - type: file
    id: local
    path: ./var/out.jsonl`,
  },
});
