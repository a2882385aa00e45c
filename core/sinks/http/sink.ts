/**
 * HTTP sink: every batch is one `POST` of NDJSON (one JSON document per line, the data contract
 * as Kafka and Elasticsearch get it) to a URL, optionally gzip-compressed: what a webhook, a log
 * collector (Vector, Fluent Bit, Logstash `http` input…) or a serverless function takes.
 *
 * The answer decides the records' fate (see classify.ts): 2xx delivered; 502/503/504, timeouts
 * and connection errors → retry, marked unavailable; 429, 408 and other 5xx → retry; 413 → the
 * request is split in halves (a single record still too large is rejected); 401/403 and
 * redirects → halt with the reason, records kept; other 4xx → the request's records rejected.
 * Retries, backoff and halting are the driver's (../driver.ts). An answer's body is never read
 * on success, and at most `maxReasonBytes` of it on failure; every request, answer included, is
 * bounded by `timeoutMs`.
 * @module
 */
import type { OutRecord } from "../../events.ts";
import type { SendResult, Sink } from "../sink.ts";
import { countError, emptyResult, errorMessage } from "../shared/result.ts";
import { classifyStatus, requestErrorType } from "./classify.ts";
import { displayUrl, readReason } from "../shared/notify-http.ts";

/** Options of {@link createHttpSink}. */
export interface HttpSinkOptions {
  /** Sink id (component id in metrics and `/status`). */
  id: string;
  /** Where to POST, `http://` or `https://` (credentials in it are never shown in reasons). */
  url: string;
  /** Extra request headers (e.g. `Authorization`); they may override `Content-Type`. */
  headers?: Record<string, string>;
  /** gzip the body and send `Content-Encoding: gzip` (default false). */
  gzip?: boolean;
  /** Bound of one request, connect to answer (default 10 000 ms). */
  timeoutMs?: number;
  /** Bound of `probe()` (default 2000 ms). */
  probeTimeoutMs?: number;
  /** Bytes of an error answer kept in the reason (default 1024); the rest is not read. */
  maxReasonBytes?: number;
}

/** Named defaults of {@link HttpSinkOptions}. */
export const HTTP_SINK_DEFAULTS = { gzip: false, timeoutMs: 10_000, probeTimeoutMs: 2_000, maxReasonBytes: 1024 } as const;

/** `Content-Type` of the body. */
export const NDJSON_CONTENT_TYPE = "application/x-ndjson";

/**
 * Creates an HTTP {@link Sink}.
 *
 * @example
 * const sink = createHttpSink({ id: "hook", url: "https://collector.example/ingest", headers: { Authorization: "Bearer t" }, gzip: true });
 * const r = await sink.send(batch); // one POST, NDJSON body: { delivered, retry, dead, halt?, errors }
 */
export function createHttpSink(opts: HttpSinkOptions): Sink {
  const d = HTTP_SINK_DEFAULTS;
  const gzip = opts.gzip ?? d.gzip;
  const timeoutMs = opts.timeoutMs ?? d.timeoutMs;
  const maxReasonBytes = opts.maxReasonBytes ?? d.maxReasonBytes;
  const shown = displayUrl(opts.url);
  const headers = new Headers({ "content-type": NDJSON_CONTENT_TYPE });
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers.set(k, v);
  if (gzip) headers.set("content-encoding", "gzip");

  /** POSTs `records` (splitting on 413) and adds the outcome to `out`; after a failure the rest is retried unsent. */
  async function post(records: OutRecord[], out: SendResult, st: { stopped: boolean }): Promise<void> {
    if (st.stopped) {
      out.retry.push(...records);
      return;
    }
    const text = `${records.map((r) => r.json ?? JSON.stringify(r.doc)).join("\n")}\n`;
    let status: number;
    let reason = "";
    try {
      const res = await fetch(opts.url, {
        method: "POST",
        headers,
        body: gzip ? Bun.gzipSync(text) : text,
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      if (classifyStatus(status) === "delivered") res.body?.cancel().catch(() => {});
      else reason = await readReason(res, maxReasonBytes);
    } catch (err) {
      countError(out, requestErrorType(err));
      out.retry.push(...records);
      out.unavailable = true;
      st.stopped = true;
      return;
    }
    const verdict = classifyStatus(status);
    if (verdict === "delivered") {
      out.delivered += records.length;
      return;
    }
    countError(out, `http_${status}`);
    const detail = `${shown} answered HTTP ${status}${reason ? `: ${reason}` : ""}`;
    if (verdict === "split" && records.length > 1) {
      const mid = Math.ceil(records.length / 2);
      await post(records.slice(0, mid), out, st);
      await post(records.slice(mid), out, st);
    } else if (verdict === "split" || verdict === "reject") {
      const why = verdict === "split" ? `${detail} (one record of ${Buffer.byteLength(text)} bytes is too large)` : detail;
      for (const record of records) out.dead.push({ record, reason: why });
    } else {
      out.retry.push(...records);
      st.stopped = true;
      if (verdict === "unavailable") out.unavailable = true;
      if (verdict === "halt")
        out.halt ??= status >= 300 && status < 400 ? `${detail}: a redirect; set url to the final address` : `${detail}: credentials refused`;
    }
  }

  return {
    id: opts.id,
    type: "http",
    async start() {},
    async send(batch) {
      const out = emptyResult();
      if (batch.length > 0) await post(batch, out, { stopped: false });
      return out;
    },
    async probe() {
      try {
        const res = await fetch(opts.url, {
          method: "HEAD",
          headers,
          redirect: "manual",
          signal: AbortSignal.timeout(opts.probeTimeoutMs ?? d.probeTimeoutMs),
        });
        res.body?.cancel().catch(() => {});
        return classifyStatus(res.status) === "unavailable" ? `${shown} answered HTTP ${res.status}` : undefined;
      } catch (err) {
        return `http sink unreachable at ${shown}: ${requestErrorType(err)} ${errorMessage(err)}`.trim();
      }
    },
    async stop() {},
  };
}
