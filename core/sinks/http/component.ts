/**
 * The HTTP sink as a configurable component (see ../component.ts): schema, conversion, factory
 * and the `agent config example` block.
 * @module
 */
import { defineSink } from "../component.ts";
import { HttpSinkSchema, toHttpSinkConfig } from "./config.ts";
import { createHttpSink } from "./sink.ts";

/** `type: http`. */
export const httpSink = defineSink({
  schema: HttpSinkSchema,
  toConfig: toHttpSinkConfig,
  build: (c) => createHttpSink({ id: c.id, url: c.url, headers: c.headers, gzip: c.gzip, timeoutMs: c.timeoutMs }),
  example: {
    enabled: false,
    yaml: `  # NDJSON POSTs to a URL (a webhook, a log collector): one request per batch.
  - type: http
    id: hook
    url: http://127.0.0.1:8080/ingest
    headers: {}            # e.g. { Authorization: "Bearer \${HOOK_TOKEN}" }
    gzip: false            # gzip the body (Content-Encoding: gzip)
    timeout: 10s           # one request, answer included
    only: anomalies
    batch: { max_records: 100, max_bytes: 1000000, max_wait: 1s }`,
  },
});
