/**
 * The host model's metrics (`agent_host_*`, core/scoring/host.ts).
 * @module
 */
import { Counter, Gauge, type Registry } from "prom-client";

/** `agent_host_*`: the host model over the whole metric vector (`scoring.host`). */
export interface HostMetrics {
  /** 1 once a model is trained or loaded. */
  trained: Gauge;
  /** Metrics in the model's vector. */
  width: Gauge;
  /** Rounds buffered for training. */
  rows: Gauge;
  /** The last round's calibrated score (0.5 = threshold). */
  score: Gauge;
  /** The last round's top-k contributors: share of the reconstruction error (label churn bounded by top_k). */
  contribution: Gauge<"metric">;
  /** Seconds the last training took. */
  trainSeconds: Gauge;
  /** Host anomaly events, by state. */
  events: Counter<"state">;
  /** Problems (`load_failed`, `train_failed`, `save_failed`). */
  errors: Counter<"type">;
}

/** Registers the `agent_host_*` metrics. */
export function hostMetrics(p: string, registers: Registry[]): HostMetrics {
  return {
    trained: new Gauge({ name: `${p}host_model_trained`, help: "1 once the host model is trained or loaded", registers }),
    width: new Gauge({ name: `${p}host_model_metrics`, help: "Metrics in the host model's vector", registers }),
    rows: new Gauge({ name: `${p}host_model_rows`, help: "Host vectors buffered for training", registers }),
    score: new Gauge({ name: `${p}host_model_score`, help: "The last host vector's calibrated score (0.5 = threshold)", registers }),
    contribution: new Gauge({
      name: `${p}host_model_contribution`,
      help: "Share of the last host score's reconstruction error, top-k metrics",
      labelNames: ["metric"],
      registers,
    }),
    trainSeconds: new Gauge({ name: `${p}host_model_train_seconds`, help: "Seconds the last host model training took", registers }),
    events: new Counter({ name: `${p}host_model_events_total`, help: "Host anomaly events, by state", labelNames: ["state"], registers }),
    errors: new Counter({ name: `${p}host_model_errors_total`, help: "Host model problems, by type", labelNames: ["type"], registers }),
  };
}
