/**
 * Per-agent sums of a live canary experiment (canary version versus stable version of one
 * model), accumulated from heartbeats since the canary was set. In memory and bounded (agents
 * per arm, models); a restarted registry starts the sums again from the next heartbeats.
 */
import type { ParsedHeartbeat } from "../../../models/registry-protocol/heartbeat.ts";

/** One agent's sums in one arm. */
export interface AgentSums {
  points: number;
  flagged: number;
  /** Anomaly events opened (only from heartbeats that report `alarms`). */
  alarms: number;
  /** Series × hours covered by heartbeats that report `alarms` (the alarm rate's exposure). */
  seriesHours: number;
  seconds: number;
  heartbeats: number;
  /** Sum and count of the reported p99 scoring latencies. */
  latencySum: number;
  latencyN: number;
  /** Last reported score drift (PSI), if any. */
  psi?: number;
  loadFailures: number;
  scoringFailures: number;
}

/** One model's experiment: which versions are compared since when, and the sums per arm. */
export interface Experiment {
  model: string;
  canary: string;
  stable: string | null;
  /** When the canary was set (ms): sums start here. */
  startMs: number;
  /** The canary and stable versions the sums belong to (other versions start fresh sums). */
  key: string;
  arms: { canary: Map<string, AgentSums>; stable: Map<string, AgentSums> };
  /** Last time the guard judged it (ms), to judge at most once per `everyMs`. */
  judgedMs?: number;
}

/** The channel state a heartbeat is attributed against. */
export interface ArmsNow {
  canary: string;
  stable: string | null;
  /** When the canary was set (ISO time): where fresh sums start. */
  since: string;
}

const keyOf = (a: ArmsNow) => `${a.canary}\u0000${a.stable ?? ""}`;

const empty = (): AgentSums => ({
  points: 0,
  flagged: 0,
  alarms: 0,
  seriesHours: 0,
  seconds: 0,
  heartbeats: 0,
  latencySum: 0,
  latencyN: 0,
  loadFailures: 0,
  scoringFailures: 0,
});

/**
 * Canary experiments by model, bounded by `maxAgentsPerArm` agents per arm (a newcomer beyond
 * it is not counted) and `maxModels` experiments (the least recently updated is dropped).
 *
 * @example
 * const ab = new AbTracker();
 * ab.record(hb, intervalS, { canary: "8", stable: "7", since: canary.updated_at }, inCohort);
 */
export class AbTracker {
  private readonly experiments = new Map<string, Experiment>();

  constructor(
    private readonly maxAgentsPerArm = 10_000,
    private readonly maxModels = 64,
  ) {}

  /** The experiment of `model` for the given channel state (fresh sums when the state changed). */
  experiment(model: string, arms: ArmsNow): Experiment {
    const key = keyOf(arms);
    let e = this.experiments.get(model);
    if (!e || e.key !== key) {
      const at = Date.parse(arms.since);
      e = { model, canary: arms.canary, stable: arms.stable, startMs: Number.isFinite(at) ? at : 0, key, arms: { canary: new Map(), stable: new Map() } };
    }
    this.experiments.delete(model);
    this.experiments.set(model, e);
    for (const [old] of this.experiments) {
      if (this.experiments.size <= this.maxModels) break;
      this.experiments.delete(old);
    }
    return e;
  }

  /**
   * Adds one heartbeat of an agent running the canary or the stable version of `hb.model`.
   * `intervalS` is the interval the registry assumes for the agent (bounds the covered time);
   * `counted` says whether this agent may count in that arm (it resolved that version).
   * Returns the experiment, or undefined when the heartbeat belongs to neither arm.
   */
  record(hb: ParsedHeartbeat, intervalS: number, arms: ArmsNow, counted: (version: string) => boolean): Experiment | undefined {
    const v = hb.model.version;
    const arm = v === arms.canary ? "canary" : v === arms.stable ? "stable" : undefined;
    if (!arm || !counted(v)) return undefined;
    const e = this.experiment(hb.model.name, arms);
    const sums = e.arms[arm];
    let s = sums.get(hb.agent_id);
    if (!s) {
      if (sums.size >= this.maxAgentsPerArm) return e;
      s = empty();
      sums.set(hb.agent_id, s);
    }
    const points = hb.points ?? Math.round(hb.points_per_s * intervalS);
    const flagged = hb.flagged ?? Math.min(points, Math.round(hb.anomaly_rate * points));
    const measured = points > 0 && hb.points_per_s > 0 ? points / hb.points_per_s : intervalS;
    const seconds = Math.min(Math.max(0, measured), 3 * intervalS);
    s.points += points;
    s.flagged += flagged;
    s.seconds += seconds;
    s.heartbeats++;
    if (hb.alarms !== undefined) {
      s.alarms += hb.alarms;
      s.seriesHours += (Math.max(1, hb.series ?? 1) * seconds) / 3600;
    }
    if (hb.scoring_latency_ms_p99 !== undefined) {
      s.latencySum += hb.scoring_latency_ms_p99;
      s.latencyN++;
    }
    if (hb.drift?.score?.psi !== undefined) s.psi = hb.drift.score.psi;
    s.loadFailures = Math.max(s.loadFailures, hb.load_failures ?? 0);
    s.scoringFailures = Math.max(s.scoringFailures, hb.scoring_failures ?? 0);
    return e;
  }

  /** The current experiment of `model`, if it compares the versions of `arms`. */
  get(model: string, arms: Pick<ArmsNow, "canary" | "stable">): Experiment | undefined {
    const e = this.experiments.get(model);
    return e && e.key === keyOf({ ...arms, since: "" }) ? e : undefined;
  }

  /** Forgets `model`'s sums (an operator set a channel: the next heartbeats start afresh). */
  reset(model: string): void {
    this.experiments.delete(model);
  }
}
