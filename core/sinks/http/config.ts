/**
 * `type: http` in `sinks:`: the YAML schema (defaults declared here once) and its conversion to
 * the runtime config {@link HttpSinkConfig}.
 * @module
 */
import { z } from "zod";
import { formatDuration } from "../../config/duration.ts";
import { Duration, durationMs, HttpUrl } from "../../config/fields.ts";
import { SINK_COMMON, sinkBase, type SinkConfigBase } from "../component.ts";
import { HTTP_SINK_DEFAULTS } from "./sink.ts";

/** Named defaults of the YAML keys (the sink's own). */
export const HTTP_CONFIG_DEFAULTS = { gzip: HTTP_SINK_DEFAULTS.gzip, timeout: formatDuration(HTTP_SINK_DEFAULTS.timeoutMs) } as const;

/** `type: http` — records as NDJSON in the body of a POST to a URL (a webhook, a log collector). */
export const HttpSinkSchema = z
  .object({
    type: z.literal("http"),
    ...SINK_COMMON,
    url: HttpUrl,
    /** Extra request headers (e.g. `Authorization`); `Content-Type`/`Content-Encoding` are the sink's. */
    headers: z.record(z.string(), z.string()).default({}),
    /** gzip the request body (`Content-Encoding: gzip`). */
    gzip: z.boolean().default(HTTP_CONFIG_DEFAULTS.gzip),
    /** Bound of one request: connect, upload, answer. */
    timeout: Duration.default(HTTP_CONFIG_DEFAULTS.timeout),
  })
  .strict();

/** A parsed `type: http` entry. */
export type HttpSinkFile = z.output<typeof HttpSinkSchema>;

/** `type: http` runtime config. */
export interface HttpSinkConfig extends SinkConfigBase {
  type: "http";
  url: string;
  headers: Record<string, string>;
  gzip: boolean;
  timeoutMs: number;
}

/**
 * Parsed entry → runtime config.
 *
 * @example
 * toHttpSinkConfig(HttpSinkSchema.parse({ type: "http", id: "h", url: "http://collector:8080/in" })).timeoutMs; // 10000
 */
export function toHttpSinkConfig(s: HttpSinkFile): HttpSinkConfig {
  return { type: s.type, ...sinkBase(s), url: s.url, headers: { ...s.headers }, gzip: s.gzip, timeoutMs: durationMs(s.timeout) };
}
