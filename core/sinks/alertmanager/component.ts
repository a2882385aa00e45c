/**
 * The Alertmanager sink as a configurable component (see ../component.ts): schema, conversion,
 * factory and the `agent config example` block.
 * @module
 */
import { defineSink } from "../component.ts";
import { AlertmanagerSinkSchema, toAlertmanagerSinkConfig } from "./config.ts";
import { createAlertmanagerSink } from "./sink.ts";

/** `type: alertmanager`. */
export const alertmanagerSink = defineSink({
  schema: AlertmanagerSinkSchema,
  toConfig: toAlertmanagerSinkConfig,
  build: (c, log) =>
    createAlertmanagerSink({
      id: c.id,
      url: c.url,
      alertname: c.alertname,
      severity: c.severity,
      labels: c.labels,
      headers: c.headers,
      ...(c.auth ? { auth: c.auth } : {}),
      timeoutMs: c.timeoutMs,
      resendIntervalMs: c.resendIntervalMs,
      maxOpenAlerts: c.maxOpenAlerts,
      rateLimit: c.rateLimit,
      log,
    }),
  example: {
    enabled: false,
    yaml: `  # Anomaly open/close events as alerts in Prometheus Alertmanager (API v2): fired on open, resolved on close.
  - type: alertmanager
    id: alerts
    url: http://127.0.0.1:9093   # Alertmanager's base URL
    alertname: AgentAnomaly
    severity: warning
    labels: {}             # static extra labels, e.g. { team: ops, env: prod }
    headers: {}
    # auth: { bearer_token: { env: AM_TOKEN } }   # or { basic: { username: agent, password: { file: am-pass } } }
    timeout: 10s
    resend_interval: 1m    # open alerts re-posted this often; each valid 4x this long
    max_open_alerts: 10000
    rate_limit: { max_requests: 20, per: 1m }
    only: anomalies
    batch: { max_records: 500, max_bytes: 1000000, max_wait: 1s }`,
  },
});
