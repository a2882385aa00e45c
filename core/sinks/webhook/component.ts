/**
 * The webhook sink as a configurable component (see ../component.ts): schema, conversion,
 * factory and the `agent config example` block.
 * @module
 */
import { defineSink } from "../component.ts";
import { toWebhookSinkConfig, WebhookSinkSchema } from "./config.ts";
import { createWebhookSink } from "./sink.ts";

/** `type: webhook`. */
export const webhookSink = defineSink({
  schema: WebhookSinkSchema,
  toConfig: toWebhookSinkConfig,
  build: (c) =>
    createWebhookSink({
      id: c.id,
      url: c.url,
      headers: c.headers,
      ...(c.auth ? { auth: c.auth } : {}),
      ...(c.secret ? { secret: c.secret } : {}),
      signatureHeader: c.signatureHeader,
      timestampHeader: c.timestampHeader,
      timeoutMs: c.timeoutMs,
      rateLimit: c.rateLimit,
    }),
  example: {
    enabled: false,
    yaml: `  # Anomaly open/close events as JSON to a webhook, one request per batch, optionally HMAC-signed.
  - type: webhook
    id: notify
    url: http://127.0.0.1:8080/agent-events
    headers: {}
    # auth: { bearer_token: { env: HOOK_TOKEN } }
    # secret: { env: HOOK_SECRET }   # or { file: hook-secret }: X-Agent-Signature: sha256=HMAC(secret, "<timestamp>.<body>")
    signature_header: X-Agent-Signature
    timestamp_header: X-Agent-Timestamp
    timeout: 10s
    rate_limit: { max_requests: 20, per: 1m }
    only: anomalies
    batch: { max_records: 500, max_bytes: 1000000, max_wait: 1s }`,
  },
});
