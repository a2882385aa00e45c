/**
 * Per-heartbeat-interval scoring statistics built from the scorer's round reports: points per
 * second, the share of flagged points, and the p99 of round scoring latency.
 */
import type { RoundInfo } from "../../core/scoring/scorer.ts";

/** What one interval looked like. */
export interface IntervalStats {
  points_per_s: number;
  anomaly_rate: number;
  /** Undefined when no round was scored. */
  scoring_latency_ms_p99?: number;
  /** Points scored and flagged over the interval (the registry's A/B comparison weighs agents by them). */
  points: number;
  flagged: number;
  /** Anomaly events opened over the interval. */
  alarms: number;
  /** Most series scored in one round of the interval. */
  series: number;
}

/** Most latencies kept per interval (a uniform sample beyond it). */
const MAX_SAMPLES = 4096;

/**
 * Accumulates rounds between two heartbeats; {@link take} returns the interval's figures and
 * starts the next interval.
 *
 * @example
 * const stats = new RoundStats();
 * scorerOptions.onRound = (r) => stats.add(r);
 * const { points_per_s, anomaly_rate } = stats.take();
 */
export class RoundStats {
  private points = 0;
  private flagged = 0;
  private seen = 0;
  private opened = 0;
  private series = 0;
  private latencies: number[] = [];
  private since: number;

  constructor(private readonly now: () => number = Date.now) {
    this.since = now();
  }

  /** Counts one scored round. */
  add(r: Pick<RoundInfo, "points" | "flagged" | "latencyMs" | "opened" | "series">): void {
    this.points += r.points;
    this.flagged += r.flagged;
    this.opened += r.opened ?? 0;
    if ((r.series ?? 0) > this.series) this.series = r.series!;
    this.seen++;
    if (this.latencies.length < MAX_SAMPLES) this.latencies.push(r.latencyMs);
    else {
      const j = Math.floor(Math.random() * this.seen);
      if (j < MAX_SAMPLES) this.latencies[j] = r.latencyMs;
    }
  }

  /** The figures since the last call, and a fresh interval. */
  take(): IntervalStats {
    const t = this.now();
    const seconds = Math.max(0.001, (t - this.since) / 1000);
    const out: IntervalStats = {
      points_per_s: round(this.points / seconds, 3),
      anomaly_rate: this.points ? round(this.flagged / this.points, 6) : 0,
      points: this.points,
      flagged: this.flagged,
      alarms: this.opened,
      series: this.series,
    };
    if (this.latencies.length) {
      const sorted = this.latencies.sort((a, b) => a - b);
      out.scoring_latency_ms_p99 = round(sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)], 3);
    }
    this.points = this.flagged = this.seen = this.opened = this.series = 0;
    this.latencies = [];
    this.since = t;
    return out;
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
