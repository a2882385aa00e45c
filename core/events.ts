/**
 * Event types that flow through the runtime: samples from sources, and the records that leave
 * the agent (the data contract of DESIGN.md §5).
 */

/** One sample collected by a source. */
export interface MetricSample {
  /** Metric name, dotted or Prometheus-style (`cpu.user`, `http_requests_total`). */
  name: string;
  /** Label set; the series identity is `name` + sorted labels. */
  labels: Record<string, string>;
  /** Value; NaN marks a sample the source expected but could not read (a gap). */
  value: number;
  /** Sample time, ms since the Unix epoch. */
  timestamp: number;
  /** Metric type when the source knows it (Prometheus `# TYPE`, procfs counters). */
  type?: "counter" | "gauge" | "untyped";
  /** Ground truth from the synthetic source: 1 inside an injected anomaly window. */
  truth?: 0 | 1;
}

/** A typed, counted problem a component hit (Vector's `component_errors_total{error_type}`). */
export interface ComponentError {
  /** Short machine-readable type, e.g. `parse_error`, `timeout`, `http_status`, `nan_value`. */
  type: string;
  message: string;
}

/** What one collection round of a source returned. */
export interface CollectResult {
  samples: MetricSample[];
  /** Problems met in this round (bad lines, unreadable files...); never thrown. */
  errors: ComponentError[];
}

/** A scored point as it leaves the agent (Kafka value and Elasticsearch document). */
export interface PointRecord {
  "@timestamp": string;
  agent: { id: string; seq: number };
  host: { name: string };
  metric: { name: string; labels: Record<string, string> };
  value: number | null;
  anomaly: { score: number; threshold: number; is_anomaly: boolean };
  model: { name: string; version: string };
  event: { kind: "metric" };
}

/** An anomaly event: a series crossed its threshold (opened) or came back below it (closed). */
export interface AnomalyRecord {
  "@timestamp": string;
  agent: { id: string; seq: number };
  host: { name: string };
  metric: { name: string; labels: Record<string, string> };
  anomaly: {
    /** `open` when the series crossed the threshold, `close` when it recovered. */
    state: "open" | "close";
    /** Start of the anomalous stretch. */
    start: string;
    /** End (on close). */
    end?: string;
    peak_score: number;
    threshold: number;
    /** Points in the stretch so far. */
    points: number;
    /**
     * Host-model events only (`metric.name` {@link HOST_ANOMALY_METRIC}): the metrics with the
     * largest share of the reconstruction error at the stretch's peak, largest first (`name` is
     * the metric with its labels, `name{k=v,…}`; `share` of the squared error, 0..1). Absent on
     * per-series events. See models/host/README.md.
     */
    contributors?: { name: string; share: number }[];
  };
  model: { name: string; version: string };
  event: { kind: "alert" };
}

/**
 * The series name of a host-model anomaly event (`scoring.host`): one model over the host's
 * whole metric vector; `metric.labels.group` names the vector, `anomaly.contributors` the metrics.
 */
export const HOST_ANOMALY_METRIC = "agent.host";

/**
 * A drift event: the input distribution of one series (`drift.stream: "input"`, `metric` is the
 * series) or the score distribution of the model in use (`"score"`, `metric` is
 * `{ name: "agent.score", labels: {} }`) moved past `drift.level` (PSI against its reference
 * period: `state: "start"`) or came back under 0.6 × level (`"end"`). See models/drift/.
 *
 * It travels like an anomaly event: `OutRecord.kind` `"anomaly"`, so the Kafka sink writes it
 * to the anomalies topic, the Elasticsearch sink to the anomalies index, `only: anomalies`
 * keeps it, and the file, stdout and http sinks write it as any other record. Consumers tell
 * the two apart by `event.kind` (`"alert"` or `"drift"`): use {@link isAnomalyEvent} and
 * {@link isDriftEvent}.
 */
export interface DriftRecord {
  "@timestamp": string;
  agent: { id: string; seq: number };
  host: { name: string };
  metric: { name: string; labels: Record<string, string> };
  drift: {
    /** `start` when PSI reached the level, `end` when it fell back under 0.6 × level. */
    state: "start" | "end";
    /** `input`: the series' values; `score`: the model's scores (all series pooled). */
    stream: "input" | "score";
    /** Population Stability Index against the reference period at the transition. */
    psi: number;
    /** The configured level (PSI) a drift starts at. */
    level: number;
  };
  model: { name: string; version: string };
  event: { kind: "drift" };
}

/** The series name a score-drift record carries in `metric.name`. */
export const SCORE_DRIFT_METRIC = "agent.score";

/**
 * Anything the agent ships. `kind` routes it: `point` to the points topic/index, `anomaly` to
 * the anomalies topic/index — which carries both anomaly events (`doc.event.kind: "alert"`,
 * {@link AnomalyRecord}) and drift events (`doc.event.kind: "drift"`, {@link DriftRecord}).
 * Every sink handles both event shapes: Kafka (anomalies topic), Elasticsearch (anomalies
 * index), file, stdout and http (as JSON; stdout's `pretty` format has a line for each).
 */
export type OutRecord = ({ kind: "point"; doc: PointRecord } | { kind: "anomaly"; doc: AnomalyRecord | DriftRecord }) & {
  /** `JSON.stringify(doc)`, cached by whoever serialises first (the driver sizes batches with it). */
  json?: string;
};

/** An {@link OutRecord} holding an anomaly open/close event. */
export type AnomalyOutRecord = OutRecord & { kind: "anomaly"; doc: AnomalyRecord };
/** An {@link OutRecord} holding a drift start/end event. */
export type DriftOutRecord = OutRecord & { kind: "anomaly"; doc: DriftRecord };

/**
 * True for an anomaly open/close event (what alert sinks notify about).
 *
 * @example
 * for (const r of batch) if (isAnomalyEvent(r)) notify(r.doc.anomaly.state, r.doc.metric);
 */
export function isAnomalyEvent(r: OutRecord): r is AnomalyOutRecord {
  return r.kind === "anomaly" && r.doc.event.kind === "alert";
}

/**
 * True for a drift start/end event.
 *
 * @example
 * for (const r of batch) if (isDriftEvent(r)) notify(`drift ${r.doc.drift.state}`, r.doc.metric, r.doc.drift.psi);
 */
export function isDriftEvent(r: OutRecord): r is DriftOutRecord {
  return r.kind === "anomaly" && r.doc.event.kind === "drift";
}

/** Sequence number and agent id of a record: its identity (`<agent.id>:<seq>` is the ES `_id`). */
export function recordId(r: OutRecord): string {
  return `${r.doc.agent.id}:${r.doc.agent.seq}`;
}
