import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { registerRuntimeMetrics } from "./runtime-metrics.ts";
import { driftMetrics, shadowMetrics, type DriftMetrics, type ShadowMetrics } from "./scoring-metrics.ts";
import { hostMetrics, type HostMetrics } from "./host-metrics.ts";

/**
 * Every counter the agent exposes on `/metrics` (Prometheus text) and pushes to a Pushgateway.
 * Components are labelled by their config id (`component`) and kind (`component_kind`).
 */
export class Telemetry {
  readonly registry = new Registry();
  readonly pointsIn: Counter<"component" | "component_kind">;
  readonly pointsOut: Counter<"component" | "component_kind">;
  readonly errors: Counter<"component" | "error_type">;
  readonly dropped: Counter<"component" | "reason">;
  readonly batchLatency: Histogram<"component">;
  readonly bufferDepth: Gauge<"component">;
  readonly bufferBytes: Gauge;
  readonly anomalies: Counter<"state">;
  readonly scoringLatency: Histogram;
  readonly seriesActive: Gauge;
  readonly modelInfo: Gauge<"name" | "version">;
  readonly ready: Gauge;
  /** Drift (core/scoring/drift.ts): set from the monitor's summary by `refreshGauges`, events counted as they happen. */
  readonly drift: DriftMetrics;
  /** Shadow scoring (core/scoring/shadow.ts): counted per round, ratios set by `refreshGauges`. */
  readonly shadow: ShadowMetrics;
  /** The host model (core/scoring/host.ts, `scoring.host`). */
  readonly host: HostMetrics;

  /**
   * `defaultMetrics` (default true): process and runtime metrics true under Bun and
   * `<prefix>build_info` ({@link registerRuntimeMetrics}; prom-client's Node collectors are not used).
   */
  constructor(options: { defaultMetrics?: boolean; prefix?: string } = {}) {
    const p = options.prefix ?? "agent_";
    const r = [this.registry];
    this.pointsIn = new Counter({
      name: `${p}points_in_total`,
      help: "Points received per component",
      labelNames: ["component", "component_kind"],
      registers: r,
    });
    this.pointsOut = new Counter({
      name: `${p}points_out_total`,
      help: "Records delivered per component",
      labelNames: ["component", "component_kind"],
      registers: r,
    });
    this.errors = new Counter({
      name: `${p}component_errors_total`,
      help: "Errors by component and type",
      labelNames: ["component", "error_type"],
      registers: r,
    });
    this.dropped = new Counter({
      name: `${p}dropped_total`,
      help: "Records dropped, by component and reason",
      labelNames: ["component", "reason"],
      registers: r,
    });
    this.batchLatency = new Histogram({
      name: `${p}batch_latency_seconds`,
      help: "Time to deliver one batch, per sink",
      labelNames: ["component"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    });
    this.bufferDepth = new Gauge({
      name: `${p}buffer_depth`,
      help: "Records in the buffer not yet acknowledged, per sink",
      labelNames: ["component"],
      registers: r,
    });
    this.bufferBytes = new Gauge({ name: `${p}buffer_bytes`, help: "Bytes held by the record buffer (segment files on disk, JSON in memory)", registers: r });
    this.anomalies = new Counter({ name: `${p}anomalies_total`, help: "Anomaly events (open/close)", labelNames: ["state"], registers: r });
    this.scoringLatency = new Histogram({
      name: `${p}scoring_latency_seconds`,
      help: "Time to score one source round (all its series in one batch)",
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: r,
    });
    this.seriesActive = new Gauge({ name: `${p}series_active`, help: "Series with scoring state", registers: r });
    this.modelInfo = new Gauge({ name: `${p}model_info`, help: "Loaded model (value 1)", labelNames: ["name", "version"], registers: r });
    this.ready = new Gauge({ name: `${p}ready`, help: "1 when the model is loaded and every sink is reachable", registers: r });
    this.drift = driftMetrics(p, r);
    this.shadow = shadowMetrics(p, r);
    this.host = hostMetrics(p, r);
    if (options.defaultMetrics ?? true) registerRuntimeMetrics(this.registry, p);
  }

  /** Counts an error of `type` for `component`. */
  error(component: string, type: string, n = 1): void {
    this.errors.inc({ component, error_type: type }, n);
  }
}
