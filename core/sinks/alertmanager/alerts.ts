/**
 * Anomaly events → Alertmanager API v2 alerts (`POST /api/v2/alerts` body items), and the set of
 * open alerts the sink re-sends.
 *
 * Labels (the alert's identity): `alertname`, `severity`, `agent` (agent.id), `host`
 * (host.name), `metric` (metric.name), the static `labels` of the config, then the metric's own
 * labels. Label names are made Prometheus-valid (`[a-zA-Z_][a-zA-Z0-9_]*`, other characters →
 * `_`); a metric label whose name is already taken is renamed `exported_<name>`; empty values
 * are left out; values are cut at {@link MAX_LABEL_VALUE} characters.
 * Annotations: `summary`, `score` (peak), `threshold`, `model` (`name@version`), `points`,
 * `event_id` (`<agent.id>:<seq>`, the record's Elasticsearch `_id`).
 * @module
 */
import type { AnomalyRecord, DriftRecord } from "../../events.ts";

/** One alert as Alertmanager's API v2 takes it. */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

/** Labels the sink sets itself (the config's static `labels` may not use them). */
export const RESERVED_LABELS = ["alertname", "severity", "agent", "host", "metric"] as const;

/** Longest label or annotation value kept (characters). */
export const MAX_LABEL_VALUE = 1024;

/** What an alert is built with. */
export interface AlertShape {
  alertname: string;
  severity: string;
  /** Static extra labels (names already valid, none reserved). */
  labels: Record<string, string>;
}

const cut = (s: string) => (s.length > MAX_LABEL_VALUE ? s.slice(0, MAX_LABEL_VALUE) : s);

/** A Prometheus-valid label name. */
export function labelName(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_]/g, "_");
  return /^[a-zA-Z_]/.test(s) ? s : `_${s}`;
}

/** The label set of an event (its alert's identity). */
export function alertLabels(doc: Pick<AnomalyRecord, "agent" | "host" | "metric">, shape: AlertShape): Record<string, string> {
  const out: Record<string, string> = {
    alertname: shape.alertname,
    severity: shape.severity,
    agent: cut(doc.agent.id),
    host: cut(doc.host.name),
    metric: cut(doc.metric.name),
    ...shape.labels,
  };
  const names = Object.keys(doc.metric.labels).sort();
  for (const raw of names) {
    const value = doc.metric.labels[raw];
    if (typeof value !== "string" || value === "") continue;
    let name = labelName(raw);
    while (name in out) name = `exported_${name}`;
    out[name] = cut(value);
  }
  for (const [k, v] of Object.entries(out)) if (v === "") delete out[k];
  return out;
}

/** Identity of a label set (sorted `name=value` pairs). */
export function fingerprint(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

const iso = (ms: number) => new Date(ms).toISOString();
const parseMs = (s: string | undefined, fallback: number) => {
  const t = s ? Date.parse(s) : Number.NaN;
  return Number.isFinite(t) ? t : fallback;
};

/**
 * The alert of one event at `nowMs`. Open: `startsAt` = the anomaly's start, `endsAt` = now +
 * `validForMs` (if the agent stops confirming it, Alertmanager resolves it then). Close:
 * `endsAt` = the anomaly's end, so Alertmanager resolves it at once. Times after `nowMs` (a
 * clock ahead of Alertmanager's) are brought back to `nowMs`, and `startsAt` ≤ `endsAt` always.
 */
export function toAlert(doc: AnomalyRecord, shape: AlertShape, nowMs: number, validForMs: number): AmAlert {
  const a = doc.anomaly;
  const metricLabels = Object.entries(doc.metric.labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  const series = `${doc.metric.name}${metricLabels ? `{${metricLabels}}` : ""}`;
  const model = `${doc.model.name}@${doc.model.version}`;
  const ends = a.state === "close" ? Math.min(parseMs(a.end, parseMs(doc["@timestamp"], nowMs)), nowMs) : nowMs + validForMs;
  const starts = Math.min(parseMs(a.start, nowMs), nowMs, ends);
  return {
    labels: alertLabels(doc, shape),
    annotations: {
      summary: cut(`${a.state === "close" ? "Resolved" : "Anomaly"} on ${doc.host.name}: ${series}, peak score ${a.peak_score} over threshold ${a.threshold}`),
      score: String(a.peak_score),
      threshold: String(a.threshold),
      model: cut(model),
      points: String(a.points),
      event_id: cut(`${doc.agent.id}:${doc.agent.seq}`),
      // host-model events (scoring.host): the metrics with the largest share of the error
      ...(a.contributors?.length ? { contributors: cut(a.contributors.map((c) => `${c.name} ${(100 * c.share).toFixed(0)}%`).join(", ")) } : {}),
    },
    startsAt: iso(starts),
    endsAt: iso(ends),
  };
}

/** `alertname` of drift alerts (a drift event's series and stream are its identity). */
export const DRIFT_ALERTNAME = "AgentDrift";

/**
 * The alert of one drift event at `nowMs`: `alertname` {@link DRIFT_ALERTNAME}, a `stream` label
 * (`input`: the series' values, `score`: the model's scores), PSI and level as annotations.
 * `start` opens it (valid for `validForMs`, re-sent like anomaly alerts), `end` resolves it.
 */
export function toDriftAlert(doc: DriftRecord, shape: AlertShape, nowMs: number, validForMs: number): AmAlert {
  const d = doc.drift;
  const at = Math.min(parseMs(doc["@timestamp"], nowMs), nowMs);
  const labels = { ...alertLabels(doc, shape), alertname: DRIFT_ALERTNAME, stream: d.stream };
  const ends = d.state === "end" ? at : nowMs + validForMs;
  return {
    labels,
    annotations: {
      summary: cut(
        `${d.state === "end" ? "Drift over" : "Drift"} on ${doc.host.name}: ${doc.metric.name} (${d.stream}), PSI ${d.psi.toFixed(3)} against level ${d.level}`,
      ),
      psi: String(d.psi),
      level: String(d.level),
      model: cut(`${doc.model.name}@${doc.model.version}`),
      event_id: cut(`${doc.agent.id}:${doc.agent.seq}`),
    },
    startsAt: iso(Math.min(at, ends)),
    endsAt: iso(ends),
  };
}

/**
 * The open alerts, by label set, bounded: what the sink re-sends every `resend_interval`.
 * When full, a new alert is still posted but not tracked for re-sending (counted).
 */
export class OpenAlerts {
  private readonly open = new Map<string, AmAlert>();
  /** Alerts not tracked because the set was full. */
  dropped = 0;

  constructor(readonly max: number) {}

  get size(): number {
    return this.open.size;
  }

  /** Applies one event's alert (open → tracked, close → forgotten); returns false when it was not tracked (full). */
  apply(state: "open" | "close", alert: AmAlert): boolean {
    const fp = fingerprint(alert.labels);
    if (state === "close") {
      this.open.delete(fp);
      return true;
    }
    if (!this.open.has(fp) && this.open.size >= this.max) {
      this.dropped++;
      return false;
    }
    this.open.set(fp, alert);
    return true;
  }

  /** The open alerts with `endsAt` moved to `endsAtMs`. */
  refreshed(endsAtMs: number): AmAlert[] {
    const ends = iso(endsAtMs);
    return [...this.open.values()].map((a) => ({ ...a, endsAt: ends }));
  }
}
