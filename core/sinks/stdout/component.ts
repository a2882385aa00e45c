/**
 * The stdout sink as a configurable component (see ../component.ts): schema, conversion,
 * factory and the `agent config example` block. The agent prints anomaly events as readable
 * lines (`format: "pretty"`).
 * @module
 */
import { defineSink } from "../component.ts";
import { StdoutSinkSchema, toStdoutSinkConfig } from "./config.ts";
import { createStdoutSink } from "./sink.ts";

/** `type: stdout`. */
export const stdoutSink = defineSink({
  schema: StdoutSinkSchema,
  toConfig: toStdoutSinkConfig,
  build: (c) => createStdoutSink({ id: c.id, format: "pretty" }),
  example: {
    enabled: true,
    yaml: `  # Anomaly events on standard output.
  - type: stdout
    id: console
    only: anomalies`,
  },
});
