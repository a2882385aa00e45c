import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from "prom-client";

/**
 * Sampling period of prom-client's event-loop delay monitor, ms. Its default (10 ms) cost ~0.7 %
 * of a core by itself under Bun: most of an idle agent's CPU (1.1 % → 0.4 % measured with a 10-series
 * agent; 100 ms still cost ~0.2 %). At 1 s the `*_eventloop_lag_*` metrics still show a loop that is
 * blocked when the sample lands, which is what an agent scoring once a second needs.
 */
export const EVENT_LOOP_SAMPLE_MS = 1000;

/**
 * Default collectors left out: prom-client's heap-space gauges (`nodejs_heap_space_size_*`) call
 * `v8.getHeapSpaceStatistics()`, which under Bun costs ~3–4 ms of CPU per scrape (≈ 99 % of a
 * scrape; everything else together ≈ 0.05 ms). Heap totals stay (`nodejs_heap_size_*_bytes`,
 * from `process.memoryUsage()`). Measured by `scripts/bench/metrics-scrape.ts`.
 */
export const COSTLY_DEFAULT_METRICS = /^nodejs_heap_space_size_/;

/**
 * Registers prom-client's default process/runtime metrics in `registry`, without
 * {@link COSTLY_DEFAULT_METRICS} unless `heapSpaces` is set.
 */
export function registerDefaultMetrics(registry: Registry, prefix: string, heapSpaces = false): void {
  const all = new Registry();
  collectDefaultMetrics({ register: all, prefix, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  for (const m of all.getMetricsAsArray()) {
    if (heapSpaces || !COSTLY_DEFAULT_METRICS.test(m.name.slice(prefix.length))) registry.registerMetric(m as unknown as Metric);
  }
}

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

  /** `defaultMetrics` (default true): process and runtime metrics; `heapSpaces` (default false): also the costly heap-space gauges. */
  constructor(options: { defaultMetrics?: boolean; heapSpaces?: boolean; prefix?: string } = {}) {
    const p = options.prefix ?? "agent_";
    const r = [this.registry];
    this.pointsIn = new Counter({ name: `${p}points_in_total`, help: "Points received per component", labelNames: ["component", "component_kind"], registers: r });
    this.pointsOut = new Counter({ name: `${p}points_out_total`, help: "Records delivered per component", labelNames: ["component", "component_kind"], registers: r });
    this.errors = new Counter({ name: `${p}component_errors_total`, help: "Errors by component and type", labelNames: ["component", "error_type"], registers: r });
    this.dropped = new Counter({ name: `${p}dropped_total`, help: "Records dropped, by component and reason", labelNames: ["component", "reason"], registers: r });
    this.batchLatency = new Histogram({
      name: `${p}batch_latency_seconds`,
      help: "Time to deliver one batch, per sink",
      labelNames: ["component"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    });
    this.bufferDepth = new Gauge({ name: `${p}buffer_depth`, help: "Records in the buffer not yet acknowledged, per sink", labelNames: ["component"], registers: r });
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
    if (options.defaultMetrics ?? true) registerDefaultMetrics(this.registry, p, options.heapSpaces);
  }

  /** Counts an error of `type` for `component`. */
  error(component: string, type: string, n = 1): void {
    this.errors.inc({ component, error_type: type }, n);
  }
}
