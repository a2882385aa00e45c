/**
 * The drift and shadow metrics of {@link Telemetry} (`agent_drift_*`, `agent_shadow_*`), kept
 * apart from metrics.ts so each stays small.
 * @module
 */
import { Counter, Gauge, type Registry } from "prom-client";

/** `agent_drift_*`: input and score drift (models/drift, wired in core/scoring/drift.ts). */
export interface DriftMetrics {
  /** Series by drift state: `tracked`, `ready` (past their reference), `drifted`, `untracked` (past max_series). */
  series: Gauge<"state">;
  /** Largest input PSI of a tracked series. */
  inputPsiMax: Gauge;
  /** PSI of the model's scores against its first scores, per model version. */
  scorePsi: Gauge<"model" | "version">;
  /** The configured level (PSI) a drift starts at. */
  level: Gauge;
  /** Drift events emitted, by stream (`input`, `score`) and state (`start`, `end`). */
  events: Counter<"stream" | "state">;
}

/** `agent_shadow_*`: a candidate model scoring the same points in the shadow. */
export interface ShadowMetrics {
  /** Points both models scored. */
  points: Counter;
  /** Points where both are on the same side of their thresholds. */
  agreeing: Counter;
  /** Points at or above the threshold, by model (`live`, `shadow`). */
  flagged: Counter<"model">;
  /** Alarm onsets (an anomaly event opening), by model; `matched`: the other model was alarming on that series too. */
  onsets: Counter<"model" | "matched">;
  /** Rounds the shadow did not score, by reason (`late`, `error`). */
  skipped: Counter<"reason">;
  /** Share of points in agreement since the shadow model was loaded. */
  agreement: Gauge;
  /** Share of alarm onsets (both models) matched by the other model. */
  onsetAgreement: Gauge;
  /** Flagged share of points, by model (`live`, `shadow`), since the shadow model was loaded. */
  flagRate: Gauge<"model">;
  /** The shadow model (value 1). */
  info: Gauge<"name" | "version">;
}

/** Registers the `agent_drift_*` metrics. */
export function driftMetrics(p: string, registers: Registry[]): DriftMetrics {
  return {
    series: new Gauge({ name: `${p}drift_series`, help: "Series by drift state (tracked, ready, drifted, untracked)", labelNames: ["state"], registers }),
    inputPsiMax: new Gauge({ name: `${p}drift_input_psi_max`, help: "Largest input PSI of a tracked series against its reference", registers }),
    scorePsi: new Gauge({
      name: `${p}drift_score_psi`,
      help: "PSI of the model's scores against its first scores",
      labelNames: ["model", "version"],
      registers,
    }),
    level: new Gauge({ name: `${p}drift_level`, help: "PSI at which a drift starts (scoring.drift.level)", registers }),
    events: new Counter({ name: `${p}drift_events_total`, help: "Drift events by stream and state", labelNames: ["stream", "state"], registers }),
  };
}

/** Registers the `agent_shadow_*` metrics. */
export function shadowMetrics(p: string, registers: Registry[]): ShadowMetrics {
  return {
    points: new Counter({ name: `${p}shadow_points_total`, help: "Points scored by both the live and the shadow model", registers }),
    agreeing: new Counter({ name: `${p}shadow_agreeing_points_total`, help: "Points where both models are on the same side of their thresholds", registers }),
    flagged: new Counter({ name: `${p}shadow_flagged_points_total`, help: "Points at or above the threshold, by model", labelNames: ["model"], registers }),
    onsets: new Counter({
      name: `${p}shadow_alarm_onsets_total`,
      help: "Alarm onsets by model; matched when the other model alarmed on the series too",
      labelNames: ["model", "matched"],
      registers,
    }),
    skipped: new Counter({
      name: `${p}shadow_skipped_rounds_total`,
      help: "Rounds the shadow model did not score, by reason",
      labelNames: ["reason"],
      registers,
    }),
    agreement: new Gauge({ name: `${p}shadow_agreement`, help: "Share of points where both models agree (same side of their thresholds)", registers }),
    onsetAgreement: new Gauge({ name: `${p}shadow_onset_agreement`, help: "Share of alarm onsets matched by the other model", registers }),
    flagRate: new Gauge({ name: `${p}shadow_flag_rate`, help: "Flagged share of points, by model (live, shadow)", labelNames: ["model"], registers }),
    info: new Gauge({ name: `${p}shadow_model_info`, help: "The shadow model (value 1)", labelNames: ["name", "version"], registers }),
  };
}
