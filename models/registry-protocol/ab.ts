/**
 * The canary-versus-stable comparison by numbers, as `GET /v1/fleet` (`canaries[].ab`) and the
 * guard's `canary_rollback` event (`detail.comparison`) carry it.
 */

/** One arm's sample (sums over its agents since the canary was set). */
export interface AbArm {
  version: string | null;
  agents: number;
  heartbeats: number;
  points: number;
  flagged: number;
  alarms: number;
  /** Exposure of the alarm rate: series × hours from heartbeats that report `alarms`. */
  series_hours: number;
  agent_hours: number;
  load_failures: number;
  scoring_failures: number;
  /** Agents that reported any failure. */
  failing_agents: number;
}

/** A rate of one arm with its confidence interval (agents as the unit). */
export interface AbRate {
  rate: number | null;
  lower: number | null;
  upper: number | null;
  agents: number;
}

/** One compared metric: both arms, the canary/stable ratio with its interval, and the margin. */
export interface AbMetric {
  name: "anomaly_rate" | "alarm_rate" | "scoring_latency_ms_p99" | string;
  unit: string;
  canary: AbRate;
  stable: AbRate;
  ratio: { ratio: number; lower: number; upper: number } | null;
  /** The guard's margin on the ratio; null when this metric is not guarded. */
  max_ratio: number | null;
  /** The ratio's lower bound is above `max_ratio` (only meaningful with a sufficient sample). */
  worse: boolean;
}

/** Mean over agents with its interval (null bounds with a single agent). */
export interface AbMean {
  mean: number;
  lower: number | null;
  upper: number | null;
  agents: number;
}

/** The comparison of one model's canary with its stable version. */
export interface AbComparison {
  model: string;
  /** When the canary was set: the sums start there. */
  since: string;
  elapsed_s: number;
  /** Confidence level of every interval. */
  conf: number;
  /** Per arm: agents and points; overall: seconds since the canary was set. */
  min_sample: { agents: number; points: number; seconds: number };
  canary: AbArm;
  stable: AbArm;
  metrics: AbMetric[];
  /** Score drift (PSI) reported by the agents, mean per arm; shown, not guarded. */
  drift_psi: { canary: AbMean | null; stable: AbMean | null };
  /** `insufficient`: below the minimum sample (no verdict); `worse`: a guarded metric is beyond its margin. */
  verdict: "insufficient" | "ok" | "worse";
  /** Why: what the sample lacks, or which metric is worse and by how much. */
  reasons: string[];
}
