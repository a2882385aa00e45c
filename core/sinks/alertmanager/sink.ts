/**
 * Alertmanager sink: anomaly open/close events → alerts through Prometheus Alertmanager's API
 * v2 (`POST <url>/api/v2/alerts`). Each batch is one request holding one alert per event, in
 * record order (alerts.ts; Alertmanager merges items of one label set in order, so the last
 * event of an alert decides its state); an open event fires its alert (`endsAt` = now + 4 × `resendIntervalMs`), a close
 * resolves it (`endsAt` = the anomaly's end). Open alerts are re-posted every
 * `resendIntervalMs` with a fresh `endsAt`, so Alertmanager keeps them firing while the agent
 * confirms them and resolves them by itself if the agent goes silent. Point records need no
 * request: a batch without events is acknowledged as delivered at once.
 *
 * The open set is updated when a batch is handed over (in record order, idempotent), so it
 * holds across retries of the batch; it is bounded (`maxOpenAlerts`): an alert past the bound
 * is still posted, not re-sent, and counted (`open_alerts_untracked`). Answers are classified
 * by ../shared/notify-http.ts (4xx halts with the reason). Requests take a token of the rate
 * limiter (../shared/rate-limit.ts); re-sends do not.
 * @module
 */
import type { Logger } from "pino";
import { isDriftEvent, type AnomalyRecord } from "../../events.ts";
import { realClock, type Clock } from "../../runtime/clock.ts";
import { authorization, type NotifyAuthConfig, RATE_LIMIT_RUNTIME_DEFAULTS, SecretError } from "../shared/notify-config.ts";
import { displayUrl, type NotifyOutcome, postNotification, probeUrl } from "../shared/notify-http.ts";
import { RateLimiter, type RateLimitOptions } from "../shared/rate-limit.ts";
import { countError, emptyResult } from "../shared/result.ts";
import type { Sink } from "../sink.ts";
import { type AlertShape, type AmAlert, OpenAlerts, toAlert, toDriftAlert } from "./alerts.ts";

/** Options of {@link createAlertmanagerSink}. */
export interface AlertmanagerSinkOptions {
  id: string;
  /** Alertmanager's base URL (`http://am:9093`, or with its `--web.route-prefix`). */
  url: string;
  /** `alertname` label (default `AgentAnomaly`). */
  alertname?: string;
  /** `severity` label (default `warning`). */
  severity?: string;
  /** Static extra labels (valid names, none of alerts.ts's RESERVED_LABELS). */
  labels?: Record<string, string>;
  /** Extra request headers. */
  headers?: Record<string, string>;
  auth?: NotifyAuthConfig;
  /** Bound of one request (default 10 s). */
  timeoutMs?: number;
  /** Re-post of the open alerts (default 1 min); open alerts are valid 4 × this long. */
  resendIntervalMs?: number;
  /** Open alerts tracked for re-sending (default 10 000). */
  maxOpenAlerts?: number;
  rateLimit?: RateLimitOptions;
  /** Alerts per re-send request (default 1000). */
  maxAlertsPerRequest?: number;
  clock?: Clock;
  log?: Logger;
}

/** Named defaults of {@link AlertmanagerSinkOptions}. */
export const ALERTMANAGER_SINK_DEFAULTS = {
  alertname: "AgentAnomaly",
  severity: "warning",
  timeoutMs: 10_000,
  resendIntervalMs: 60_000,
  maxOpenAlerts: 10_000,
  maxAlertsPerRequest: 1000,
  probeTimeoutMs: 2000,
  maxReasonBytes: 1024,
} as const;

/** How many re-send intervals an open alert stays valid without a re-send (as Prometheus does). */
export const VALID_RESENDS = 4;

/** The Alertmanager sink, with its open set and re-send counters visible to tests and status. */
export interface AlertmanagerSink extends Sink {
  /** Open alerts tracked for re-sending. */
  readonly openAlerts: number;
  /** Re-send requests made, and how many failed. */
  readonly resends: { sent: number; failed: number };
  /** Re-posts the open alerts now (what the timer does every `resendIntervalMs`). */
  resendNow(): Promise<void>;
}

/**
 * Creates an Alertmanager {@link Sink}.
 *
 * @example
 * const sink = createAlertmanagerSink({ id: "am", url: "http://127.0.0.1:9093", labels: { team: "ops" } });
 */
export function createAlertmanagerSink(opts: AlertmanagerSinkOptions): AlertmanagerSink {
  const d = ALERTMANAGER_SINK_DEFAULTS;
  const clock = opts.clock ?? realClock;
  const base = opts.url.replace(/\/+$/, "");
  const postUrl = `${base}/api/v2/alerts`;
  const shape: AlertShape = { alertname: opts.alertname ?? d.alertname, severity: opts.severity ?? d.severity, labels: { ...(opts.labels ?? {}) } };
  const resendMs = opts.resendIntervalMs ?? d.resendIntervalMs;
  const validMs = VALID_RESENDS * resendMs;
  const open = new OpenAlerts(opts.maxOpenAlerts ?? d.maxOpenAlerts);
  const limiter = new RateLimiter(opts.rateLimit ?? RATE_LIMIT_RUNTIME_DEFAULTS, clock);
  const resends = { sent: 0, failed: 0 };
  /** Error counts of re-sends, folded into the next batch's result (the driver counts them). */
  let resendErrors: Record<string, number> = {};
  let untrackedSeen = 0;
  let halted: string | undefined;
  let stopper: AbortController | undefined;
  let loop: Promise<void> | undefined;

  /** Headers of a request now (auth read now: a rotated secret is picked up). */
  function headers(): Headers {
    const h = new Headers({ "content-type": "application/json" });
    for (const [k, v] of Object.entries(opts.headers ?? {})) h.set(k, v);
    if (opts.auth) h.set("authorization", authorization(opts.auth));
    return h;
  }

  async function post(alerts: AmAlert[]): Promise<NotifyOutcome> {
    let h: Headers;
    try {
      h = headers();
    } catch (err) {
      if (err instanceof SecretError) return { verdict: "halt", errorType: "secret_error", reason: `alertmanager sink ${opts.id}: ${err.message}` };
      throw err;
    }
    return postNotification({
      url: postUrl,
      body: JSON.stringify(alerts),
      headers: h,
      timeoutMs: opts.timeoutMs ?? d.timeoutMs,
      maxReasonBytes: d.maxReasonBytes,
    });
  }

  async function resendNow(): Promise<void> {
    if (halted || open.size === 0) return;
    const all = open.refreshed(clock.now() + validMs);
    const per = opts.maxAlertsPerRequest ?? d.maxAlertsPerRequest;
    for (let i = 0; i < all.length; i += per) {
      const o = await post(all.slice(i, i + per));
      resends.sent++;
      if (o.verdict === "delivered") continue;
      resends.failed++;
      const type = `resend_${o.errorType ?? "error"}`;
      resendErrors[type] = (resendErrors[type] ?? 0) + 1;
      if (o.verdict === "halt") halted = o.reason;
      opts.log?.warn({ sink: opts.id, reason: o.reason, open_alerts: open.size }, "alertmanager re-send of open alerts failed");
      return;
    }
  }

  return {
    id: opts.id,
    type: "alertmanager",
    get openAlerts() {
      return open.size;
    },
    resends,
    resendNow,
    async start() {
      stopper = new AbortController();
      const signal = stopper.signal;
      loop = (async () => {
        while (!signal.aborted) {
          await clock.sleep(resendMs, signal);
          if (!signal.aborted) await resendNow();
        }
      })();
    },
    async send(batch) {
      const out = emptyResult();
      for (const [k, n] of Object.entries(resendErrors)) countError(out, k, n);
      resendErrors = {};
      // anomaly open/close events and drift start/end events (both travel as `anomaly` records)
      const events = batch.filter((r) => r.kind === "anomaly");
      if (events.length === 0) {
        out.delivered = batch.length;
        return out;
      }
      const now = clock.now();
      const alerts = events.map((r) => {
        if (isDriftEvent(r)) {
          const alert = toDriftAlert(r.doc, shape, now, validMs);
          open.apply(r.doc.drift.state === "start" ? "open" : "close", alert);
          return alert;
        }
        const doc = r.doc as AnomalyRecord;
        const alert = toAlert(doc, shape, now, validMs);
        open.apply(doc.anomaly.state, alert);
        return alert;
      });
      if (open.dropped > untrackedSeen) {
        countError(out, "open_alerts_untracked", open.dropped - untrackedSeen);
        untrackedSeen = open.dropped;
      }
      await limiter.take();
      const o = await post(alerts);
      if (o.verdict === "delivered") {
        out.delivered = batch.length;
        halted = undefined;
        return out;
      }
      countError(out, o.errorType ?? "error");
      out.retry = batch;
      if (o.verdict === "unavailable") out.unavailable = true;
      if (o.verdict === "halt") out.halt = halted = o.reason ?? `${displayUrl(postUrl)} refused the alerts`;
      return out;
    },
    probe() {
      let h: Headers;
      try {
        h = headers();
      } catch {
        h = new Headers();
      }
      return probeUrl(`${base}/-/ready`, h, d.probeTimeoutMs, "alertmanager");
    },
    async stop() {
      stopper?.abort();
      await loop;
    },
  };
}
