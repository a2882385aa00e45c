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
  };
  model: { name: string; version: string };
  event: { kind: "alert" };
}

/** Anything the agent ships; `kind` routes it to the points or the anomalies topic/index. */
export type OutRecord = ({ kind: "point"; doc: PointRecord } | { kind: "anomaly"; doc: AnomalyRecord }) & {
  /** `JSON.stringify(doc)`, cached by whoever serialises first (the driver sizes batches with it). */
  json?: string;
};

/** Sequence number and agent id of a record: its identity (`<agent.id>:<seq>` is the ES `_id`). */
export function recordId(r: OutRecord): string {
  return `${r.doc.agent.id}:${r.doc.agent.seq}`;
}
