/**
 * Webhook sink: anomaly open/close events as JSON to a generic webhook. Each batch is one POST
 * (the events of a batch grouped in one notification):
 *
 * ```json
 * {"type":"anomaly_events","sent_at":"…","count":2,"opened":1,"closed":1,"events":[<AnomalyRecord>, …]}
 * ```
 *
 * Headers: `Content-Type: application/json`, `X-Agent-Delivery: <agent.id>:<first seq>-<last seq>`
 * (the same on a retry: the receiver can de-duplicate), `X-Agent-Timestamp: <unix seconds>`
 * and, with a secret, `X-Agent-Signature: sha256=<hex>` = HMAC-SHA256(secret,
 * `<timestamp>.<body>`) (the receiver refuses old timestamps to stop replays). Point records need
 * no request: a batch without events is acknowledged as delivered at once. Answers are
 * classified by ../shared/notify-http.ts (4xx halts with the reason); each request takes a token
 * of the rate limiter (../shared/rate-limit.ts).
 * @module
 */
import { createHmac } from "node:crypto";
import { isAnomalyEvent, type AnomalyRecord, type DriftRecord } from "../../events.ts";
import { realClock, type Clock } from "../../runtime/clock.ts";
import { authorization, type NotifyAuthConfig, RATE_LIMIT_RUNTIME_DEFAULTS, readSecret, type Secret, SecretError } from "../shared/notify-config.ts";
import { postNotification, probeUrl } from "../shared/notify-http.ts";
import { RateLimiter, type RateLimitOptions } from "../shared/rate-limit.ts";
import { countError, emptyResult } from "../shared/result.ts";
import type { Sink } from "../sink.ts";

/** Options of {@link createWebhookSink}. */
export interface WebhookSinkOptions {
  id: string;
  url: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  auth?: NotifyAuthConfig;
  /** HMAC-SHA256 key of the signature header (none: no signature). */
  secret?: Secret;
  /** Signature header (default `X-Agent-Signature`). */
  signatureHeader?: string;
  /** Timestamp header (default `X-Agent-Timestamp`). */
  timestampHeader?: string;
  /** Bound of one request (default 10 s). */
  timeoutMs?: number;
  rateLimit?: RateLimitOptions;
  clock?: Clock;
}

/** Named defaults of {@link WebhookSinkOptions}. */
export const WEBHOOK_SINK_DEFAULTS = {
  signatureHeader: "X-Agent-Signature",
  timestampHeader: "X-Agent-Timestamp",
  timeoutMs: 10_000,
  probeTimeoutMs: 2000,
  maxReasonBytes: 1024,
} as const;

/** The body of one webhook request. */
export interface WebhookBody {
  type: "anomaly_events";
  sent_at: string;
  count: number;
  /** Anomaly events opened / closed in `events`. */
  opened: number;
  closed: number;
  /** Drift start/end events in `events` (`event.kind: "drift"`). */
  drift: number;
  events: (AnomalyRecord | DriftRecord)[];
}

/**
 * The signature header value of `body` sent at `timestamp` (unix seconds): what a receiver
 * recomputes and compares (in constant time).
 *
 * @example
 * sign("s3cret", "1767225600", '{"type":"anomaly_events"}'); // "sha256=…"
 */
export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * Creates a webhook {@link Sink}.
 *
 * @example
 * const sink = createWebhookSink({ id: "hook", url: "https://hooks.example/agent", secret: { env: "HOOK_SECRET" } });
 */
export function createWebhookSink(opts: WebhookSinkOptions): Sink {
  const d = WEBHOOK_SINK_DEFAULTS;
  const clock = opts.clock ?? realClock;
  const limiter = new RateLimiter(opts.rateLimit ?? RATE_LIMIT_RUNTIME_DEFAULTS, clock);

  function headers(body: string, delivery: string): Headers {
    const h = new Headers({ "content-type": "application/json" });
    for (const [k, v] of Object.entries(opts.headers ?? {})) h.set(k, v);
    if (opts.auth) h.set("authorization", authorization(opts.auth));
    const ts = String(Math.floor(clock.now() / 1000));
    h.set(opts.timestampHeader ?? d.timestampHeader, ts);
    h.set("x-agent-delivery", delivery);
    if (opts.secret) h.set(opts.signatureHeader ?? d.signatureHeader, sign(readSecret(opts.secret), ts, body));
    return h;
  }

  return {
    id: opts.id,
    type: "webhook",
    async start() {},
    async send(batch) {
      const out = emptyResult();
      // anomaly open/close events and drift start/end events (both travel as `anomaly` records)
      const records = batch.filter((r) => r.kind === "anomaly");
      const events = records.map((r) => r.doc);
      if (events.length === 0) {
        out.delivered = batch.length;
        return out;
      }
      await limiter.take();
      const anomalies = records.filter(isAnomalyEvent);
      const opened = anomalies.filter((r) => r.doc.anomaly.state === "open").length;
      const body: WebhookBody = {
        type: "anomaly_events",
        sent_at: new Date(clock.now()).toISOString(),
        count: events.length,
        opened,
        closed: anomalies.length - opened,
        drift: events.length - anomalies.length,
        events,
      };
      const text = JSON.stringify(body);
      const first = events[0].agent;
      const delivery = `${first.id}:${first.seq}-${events[events.length - 1].agent.seq}`;
      let h: Headers;
      try {
        h = headers(text, delivery);
      } catch (err) {
        if (!(err instanceof SecretError)) throw err;
        countError(out, "secret_error");
        out.retry = batch;
        out.halt = `webhook sink ${opts.id}: ${err.message}`;
        return out;
      }
      const o = await postNotification({ url: opts.url, body: text, headers: h, timeoutMs: opts.timeoutMs ?? d.timeoutMs, maxReasonBytes: d.maxReasonBytes });
      if (o.verdict === "delivered") {
        out.delivered = batch.length;
        return out;
      }
      countError(out, o.errorType ?? "error");
      out.retry = batch;
      if (o.verdict === "unavailable") out.unavailable = true;
      if (o.verdict === "halt") out.halt = o.reason;
      return out;
    },
    probe() {
      const h = new Headers();
      for (const [k, v] of Object.entries(opts.headers ?? {})) h.set(k, v);
      return probeUrl(opts.url, h, d.probeTimeoutMs, "webhook", "HEAD");
    },
    async stop() {},
  };
}
