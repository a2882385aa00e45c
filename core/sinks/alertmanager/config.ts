/**
 * `type: alertmanager` in `sinks:`: the YAML schema (defaults declared here once) and its
 * conversion to the runtime config {@link AlertmanagerSinkConfig}.
 * @module
 */
import { z } from "zod";
import { formatDuration } from "../../config/duration.ts";
import { Duration, durationMs, found, HttpUrl } from "../../config/fields.ts";
import { SINK_COMMON, type SinkConfigBase, type SinkContext, sinkBase } from "../component.ts";
import { NotifyAuth, type NotifyAuthConfig, RateLimitSchema, toAuth, toRateLimit } from "../shared/notify-config.ts";
import type { RateLimitOptions } from "../shared/rate-limit.ts";
import { RESERVED_LABELS } from "./alerts.ts";
import { ALERTMANAGER_SINK_DEFAULTS as D } from "./sink.ts";

/** Named defaults of the YAML keys (the sink's own). */
export const ALERTMANAGER_CONFIG_DEFAULTS = {
  only: "anomalies",
  alertname: D.alertname,
  severity: D.severity,
  timeout: formatDuration(D.timeoutMs),
  resend_interval: formatDuration(D.resendIntervalMs),
  max_open_alerts: D.maxOpenAlerts,
} as const;

const LabelValue = z.string().min(1).max(1024);
const reserved = new Set<string>(RESERVED_LABELS);

/** Static labels: Prometheus label names, not one the sink sets itself. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const StaticLabels = z
  .record(z.string(), LabelValue)
  .refine((l) => Object.keys(l).every((k) => LABEL_NAME.test(k)), {
    error: (i) =>
      `expected label names ([a-zA-Z_][a-zA-Z0-9_]*), found ${Object.keys(i.input as object)
        .filter((k) => !LABEL_NAME.test(k))
        .map((k) => JSON.stringify(k))
        .join(", ")}`,
  })
  .refine((l) => Object.keys(l).every((k) => !reserved.has(k)), {
    error: (i) =>
      `labels may not set ${RESERVED_LABELS.join(", ")} (the sink sets them; use alertname/severity), found ${Object.keys(i.input as object)
        .filter((k) => reserved.has(k))
        .join(", ")}`,
  })
  .default({});

/** `type: alertmanager` — anomaly events as alerts through Alertmanager's API v2. */
export const AlertmanagerSinkSchema = z
  .object({
    type: z.literal("alertmanager"),
    ...SINK_COMMON,
    /** Only anomaly events become alerts; `all` is accepted (points are acknowledged unsent). */
    only: z
      .enum(["anomalies", "all"], { error: (i) => `expected anomalies or all (points never become alerts), found ${found(i.input)}` })
      .default("anomalies"),
    /** Alertmanager's base URL (the API is `<url>/api/v2/alerts`). */
    url: HttpUrl,
    alertname: LabelValue.default(ALERTMANAGER_CONFIG_DEFAULTS.alertname),
    severity: LabelValue.default(ALERTMANAGER_CONFIG_DEFAULTS.severity),
    labels: StaticLabels,
    headers: z.record(z.string(), z.string()).default({}),
    auth: NotifyAuth.optional(),
    timeout: Duration.default(ALERTMANAGER_CONFIG_DEFAULTS.timeout),
    resend_interval: Duration.default(ALERTMANAGER_CONFIG_DEFAULTS.resend_interval),
    max_open_alerts: z.number().int().positive().default(ALERTMANAGER_CONFIG_DEFAULTS.max_open_alerts),
    rate_limit: RateLimitSchema,
  })
  .strict();

/** A parsed `type: alertmanager` entry. */
export type AlertmanagerSinkFile = z.output<typeof AlertmanagerSinkSchema>;

/** `type: alertmanager` runtime config. */
export interface AlertmanagerSinkConfig extends SinkConfigBase {
  type: "alertmanager";
  url: string;
  alertname: string;
  severity: string;
  labels: Record<string, string>;
  headers: Record<string, string>;
  auth?: NotifyAuthConfig;
  timeoutMs: number;
  resendIntervalMs: number;
  maxOpenAlerts: number;
  rateLimit: RateLimitOptions;
}

/**
 * Parsed entry → runtime config (secret files resolved against the config file's directory).
 *
 * @example
 * toAlertmanagerSinkConfig(AlertmanagerSinkSchema.parse({ type: "alertmanager", id: "am", url: "http://am:9093" }), ctx).resendIntervalMs; // 60000
 */
export function toAlertmanagerSinkConfig(s: AlertmanagerSinkFile, ctx: SinkContext): AlertmanagerSinkConfig {
  const auth = toAuth(s.auth, ctx.configDir);
  return {
    type: s.type,
    ...sinkBase(s),
    url: s.url,
    alertname: s.alertname,
    severity: s.severity,
    labels: { ...s.labels },
    headers: { ...s.headers },
    ...(auth ? { auth } : {}),
    timeoutMs: durationMs(s.timeout),
    resendIntervalMs: durationMs(s.resend_interval),
    maxOpenAlerts: s.max_open_alerts,
    rateLimit: toRateLimit(s.rate_limit),
  };
}
