/**
 * `type: webhook` in `sinks:`: the YAML schema (defaults declared here once) and its conversion
 * to the runtime config {@link WebhookSinkConfig}.
 * @module
 */
import { z } from "zod";
import { formatDuration } from "../../config/duration.ts";
import { Duration, durationMs, found, HttpUrl } from "../../config/fields.ts";
import { SINK_COMMON, type SinkConfigBase, type SinkContext, sinkBase } from "../component.ts";
import { NotifyAuth, type NotifyAuthConfig, RateLimitSchema, type Secret, SecretRef, toAuth, toRateLimit, toSecret } from "../shared/notify-config.ts";
import type { RateLimitOptions } from "../shared/rate-limit.ts";
import { WEBHOOK_SINK_DEFAULTS as D } from "./sink.ts";

/** Named defaults of the YAML keys (the sink's own). */
export const WEBHOOK_CONFIG_DEFAULTS = {
  only: "anomalies",
  signature_header: D.signatureHeader,
  timestamp_header: D.timestampHeader,
  timeout: formatDuration(D.timeoutMs),
} as const;

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const HeaderName = z.string().regex(HEADER_NAME, { error: (i) => `expected an HTTP header name, found ${found(i.input)}` });
const Headers = z
  .record(z.string(), z.string())
  .refine((h) => Object.keys(h).every((k) => HEADER_NAME.test(k)), {
    error: (i) =>
      `expected HTTP header names, found ${Object.keys(i.input as object)
        .filter((k) => !HEADER_NAME.test(k))
        .map((k) => JSON.stringify(k))
        .join(", ")}`,
  })
  .default({});

/** `type: webhook` — anomaly events as JSON to a generic webhook, optionally signed. */
export const WebhookSinkSchema = z
  .object({
    type: z.literal("webhook"),
    ...SINK_COMMON,
    /** Only anomaly events are sent; `all` is accepted (points are acknowledged unsent). */
    only: z.enum(["anomalies", "all"], { error: (i) => `expected anomalies or all (points are never sent), found ${found(i.input)}` }).default("anomalies"),
    url: HttpUrl,
    headers: Headers,
    auth: NotifyAuth.optional(),
    /** HMAC-SHA256 key: `{ file }` or `{ env }`; none, no signature. */
    secret: SecretRef.optional(),
    signature_header: HeaderName.default(WEBHOOK_CONFIG_DEFAULTS.signature_header),
    timestamp_header: HeaderName.default(WEBHOOK_CONFIG_DEFAULTS.timestamp_header),
    timeout: Duration.default(WEBHOOK_CONFIG_DEFAULTS.timeout),
    rate_limit: RateLimitSchema,
  })
  .strict();

/** A parsed `type: webhook` entry. */
export type WebhookSinkFile = z.output<typeof WebhookSinkSchema>;

/** `type: webhook` runtime config. */
export interface WebhookSinkConfig extends SinkConfigBase {
  type: "webhook";
  url: string;
  headers: Record<string, string>;
  auth?: NotifyAuthConfig;
  secret?: Secret;
  signatureHeader: string;
  timestampHeader: string;
  timeoutMs: number;
  rateLimit: RateLimitOptions;
}

/**
 * Parsed entry → runtime config (secret files resolved against the config file's directory).
 *
 * @example
 * toWebhookSinkConfig(WebhookSinkSchema.parse({ type: "webhook", id: "h", url: "https://hooks.example/a", secret: { env: "S" } }), ctx).secret; // { env: "S" }
 */
export function toWebhookSinkConfig(s: WebhookSinkFile, ctx: SinkContext): WebhookSinkConfig {
  const auth = toAuth(s.auth, ctx.configDir);
  return {
    type: s.type,
    ...sinkBase(s),
    url: s.url,
    headers: { ...s.headers },
    ...(auth ? { auth } : {}),
    ...(s.secret ? { secret: toSecret(s.secret, ctx.configDir) } : {}),
    signatureHeader: s.signature_header,
    timestampHeader: s.timestamp_header,
    timeoutMs: durationMs(s.timeout),
    rateLimit: toRateLimit(s.rate_limit),
  };
}
