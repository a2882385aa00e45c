/**
 * The heartbeat an agent posts to `POST /v1/heartbeat` and the fleet view built from them
 * (`GET /v1/fleet`). Unknown keys are dropped, not refused: a newer agent may report more.
 */
import { z } from "zod";
import type { AbComparison } from "./ab.ts";
import { ChannelSchema, NameSchema } from "./protocol.ts";

const ModelRef = z.object({
  /** Bundle name, or `online:<name>` for an online model. */
  name: z.string().min(1).max(72),
  version: z.string().min(1).max(64),
});

const Psi = z.number().nonnegative().max(1000);
const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Share = z.number().min(0).max(1).nullable();

/** Most drifted series a heartbeat lists. */
export const HEARTBEAT_DRIFT_TOP = 10;

/**
 * `drift` of a heartbeat: input drift of the agent's series and score drift of its model
 * (PSI against their reference periods; core/scoring/drift.ts). Every number bounded, the
 * list at most {@link HEARTBEAT_DRIFT_TOP} series.
 */
export const HeartbeatDriftSchema = z.object({
  /** PSI at which a drift starts. */
  level: z.number().positive().max(10),
  /** Series tracked, past their reference, drifted now, and not tracked (past the agent's max). */
  series: Count,
  ready: Count,
  drifted: Count,
  untracked: Count,
  /** Largest input PSI of a series. */
  max_psi: Psi,
  /** The most drifted series (largest PSI first). */
  top: z
    .array(z.object({ series: z.string().min(1).max(256), psi: Psi }))
    .max(HEARTBEAT_DRIFT_TOP)
    .default([]),
  /** Score drift of `model` (the heartbeat's): PSI of its scores against its first ones. */
  score: z.object({ psi: Psi, ready: z.boolean(), drifted: z.boolean() }),
});

/**
 * `shadow` of a heartbeat: a candidate model scoring the same points in the shadow
 * (core/scoring/shadow.ts), compared with the live one since the candidate was loaded.
 */
export const HeartbeatShadowSchema = z.object({
  model: ModelRef,
  /** Points both models scored. */
  points: Count,
  /** Share of points on the same side of both thresholds. */
  agreement: Share,
  /** Share of alarm onsets the other model matched. */
  onset_agreement: Share,
  /** Flagged share of points: candidate, live. */
  flag_rate: Share,
  live_flag_rate: Share,
  /** Alarm onsets per scored point: candidate, live. */
  alarm_rate: Share,
  live_alarm_rate: Share,
  /** Rounds not shadow-scored, by reason. */
  skipped: z.object({ late: Count, error: Count }).optional(),
});

const F1 = z.number().min(0).max(1).nullable();
const Iso = z.string().max(40).nullable();

/**
 * `learn` of a heartbeat: on-host training (`model.learn`, agent/learn): the learned model in use
 * (null: the configured one), when it was trained, how much history the agent holds, and how the
 * last candidate compared with the model in use (event F1 on held-back history).
 */
export const HeartbeatLearnSchema = z
  .object({
    in_use: z.string().max(64).nullable(),
    trained_at: Iso,
    history_series: Count,
    history_points: Count,
    history_span_s: z.number().nonnegative().max(1e10),
    last_outcome: z.enum(["swapped", "kept", "refused", "failed", "rolled_back", "accepted"]).nullable(),
    last_reason: z.string().max(300).nullable(),
    candidate_f1: F1,
    current_f1: F1,
    next_run_at: Iso,
  })
  .strict();

/**
 * One heartbeat.
 *
 * Counters are *per model*: `load_failures` counts failed attempts to load `target` (or
 * `model` when there is no target) since the agent was told to run it; `scoring_failures`
 * counts failed scoring ticks of `model` since it was loaded. Both start at 0 again when the
 * version changes, so the registry can attribute them to a version (the canary guard does).
 *
 * @example
 * const hb: Heartbeat = {
 *   agent_id: "edge-01", host: "edge-01.example", agent_version: "0.1.0",
 *   model: { name: "host-ae", version: "7" }, uptime_s: 3600, points_per_s: 120,
 *   anomaly_rate: 0.002, buffer_depth: 0, sinks: [{ id: "kafka", state: "ok" }], last_error: null,
 * };
 */
/** Largest per-interval counter accepted (points, flagged, alarms). */
export const MAX_COUNT = 1e12;

export const HeartbeatSchema = z
  .object({
    agent_id: NameSchema,
    host: z.string().min(1).max(253),
    agent_version: z.string().min(1).max(64),
    /** The model the agent is running now. */
    model: ModelRef,
    /** The version the registry told it to run, while that differs from `model` (e.g. it failed to load). */
    target: ModelRef.optional(),
    /** The channel the agent follows. */
    channel: ChannelSchema.optional(),
    uptime_s: z.number().nonnegative(),
    points_per_s: z.number().nonnegative(),
    /** Flagged points / scored points over the last interval, 0–1. */
    anomaly_rate: z.number().min(0).max(1),
    buffer_depth: z.number().int().nonnegative(),
    sinks: z.array(z.object({ id: z.string().min(1).max(64), state: z.string().min(1).max(32) })).max(64),
    last_error: z.string().max(2000).nullable().default(null),
    scoring_latency_ms_p99: z.number().nonnegative().optional(),
    load_failures: z.number().int().nonnegative().optional(),
    scoring_failures: z.number().int().nonnegative().optional(),
    /** Seconds until the next heartbeat (default: the observed gap, else 10). Drives stale/offline. */
    interval_s: z.number().positive().max(86_400).optional(),
    /** Points scored over the last interval (the denominator of `anomaly_rate`; the A/B comparison weighs agents by it). */
    points: z.number().int().nonnegative().max(MAX_COUNT).optional(),
    /** Points at or above the threshold over the last interval (≤ `points`). */
    flagged: z.number().int().nonnegative().max(MAX_COUNT).optional(),
    /** Anomaly events opened over the last interval (alarms: what reaches people). */
    alarms: z.number().int().nonnegative().max(MAX_COUNT).optional(),
    /** Series scored over the last interval (alarms are compared per series-hour). */
    series: z.number().int().nonnegative().max(10_000_000).optional(),
    /** Input and score drift (agents with `scoring.drift` on); the A/B comparison reads `score.psi`. */
    drift: HeartbeatDriftSchema.optional(),
    /** The shadow model's comparison (agents with `model.shadow`). */
    shadow: HeartbeatShadowSchema.optional(),
    /** On-host training (agents with `model.learn`). */
    learn: HeartbeatLearnSchema.optional(),
  })
  .refine((h) => h.flagged === undefined || h.points === undefined || h.flagged <= h.points, { message: "flagged must not exceed points", path: ["flagged"] });
export type Heartbeat = z.input<typeof HeartbeatSchema>;
export type HeartbeatDrift = z.input<typeof HeartbeatDriftSchema>;
export type HeartbeatShadow = z.input<typeof HeartbeatShadowSchema>;
export type HeartbeatLearn = z.input<typeof HeartbeatLearnSchema>;
export type ParsedHeartbeat = z.output<typeof HeartbeatSchema>;

/** How fresh an agent's last heartbeat is: `stale` past 3 intervals, `offline` past 10. */
export const AGENT_STATUSES = ["ok", "stale", "offline"] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** Answer of `POST /v1/heartbeat`. */
export interface HeartbeatAck {
  ok: true;
  server_time: string;
  /** Interval the registry assumes for this agent, seconds. */
  interval_s: number;
}

/** One agent in `GET /v1/fleet`. */
export interface FleetAgent {
  agent_id: string;
  status: AgentStatus;
  last_seen: string;
  age_s: number;
  interval_s: number;
  heartbeat: ParsedHeartbeat;
}

/** Aggregates over the agents of one model version (offline agents left out). */
export interface VersionStats {
  model: string;
  version: string;
  agents: number;
  anomaly_rate_mean: number | null;
  scoring_latency_ms_p99_max: number | null;
  load_failures: number;
  scoring_failures: number;
  /** Drift over the version's agents that report it (absent when none does). */
  drift?: FleetDrift;
  /** Shadow comparisons reported by the version's agents, per candidate (most agents first, at most 10; absent when none). */
  shadows?: FleetShadow[];
}

/** Drift of a group of agents (a model version, a host), from their heartbeats' `drift`. */
export interface FleetDrift {
  /** Agents of the group reporting drift. */
  agents: number;
  /** Largest and mean score PSI of the model over them. */
  score_psi_max: number;
  score_psi_mean: number;
  /** Agents whose score distribution is drifted. */
  score_drifted: number;
  /** Series drifted now, summed, and the largest input PSI. */
  drifted_series: number;
  input_psi_max: number;
}

/** A shadow candidate as a group of agents reports it. */
export interface FleetShadow {
  /** `name@version` of the candidate. */
  candidate: string;
  agents: number;
  points: number;
  /** Point-weighted means over the agents. */
  agreement: number | null;
  flag_rate: number | null;
  live_flag_rate: number | null;
}

/** Canary versus stable of one model, as the guard sees it. */
export interface CanaryComparison {
  model: string;
  canary: { version: string; rollout: number; stats: VersionStats | null };
  stable: { version: string | null; stats: VersionStats | null };
  /**
   * `failing`: canary agents report load or scoring failures (the guard rolls it back);
   * `worse`: the comparison by numbers found the canary worse beyond a margin.
   */
  verdict: "ok" | "failing" | "worse" | "no_data";
  /** The comparison by numbers (rates with intervals, minimum sample, verdict); null before any heartbeat of either arm. */
  ab?: AbComparison | null;
}

/** Body of `GET /v1/fleet`. */
export interface FleetView {
  generated_at: string;
  counts: Record<AgentStatus, number> & { total: number };
  /** One page of the (filtered) agents, by id. */
  agents: FleetAgent[];
  /** Pass as `cursor` for the next page; null on the last. */
  next_cursor?: string | null;
  /** Agents per page. */
  limit?: number;
  /** Versions and hosts left out of the lists (only the largest groups are listed). */
  omitted?: { versions: number; hosts: number };
  /** Heartbeats refused or failure reports ignored since the registry started, by reason. */
  refused?: Record<string, number>;
  versions: VersionStats[];
  hosts: { host: string; agents: number; anomaly_rate_mean: number | null; drift?: FleetDrift }[];
  canaries: CanaryComparison[];
}
