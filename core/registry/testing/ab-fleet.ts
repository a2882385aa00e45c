/**
 * A synthetic fleet for the A/B guard's tests: agents with heterogeneous base rates (lognormal
 * around the fleet's rate) whose heartbeats carry binomial flagged counts and Poisson alarm
 * counts drawn from the project's seeded PRNG. The canary arm's rates are multiplied by
 * `canaryFactor`.
 */
import { createRng, type Rng } from "../../../data/random.ts";
import type { Heartbeat } from "../../../models/registry-protocol/heartbeat.ts";

/** Shape of the synthetic fleet. */
export interface SyntheticFleet {
  /** Anomaly rate (flagged / points) of a typical stable agent. */
  anomalyRate: number;
  /** Alarms per series-hour of a typical stable agent. */
  alarmsPerSeriesHour: number;
  /** Multiplies the canary arm's rates (1 = equal, 4 = four times worse). */
  canaryFactor: number;
  /** Points per second and series per agent. */
  pointsPerS: number;
  series: number;
  /** Seconds per heartbeat. */
  intervalS: number;
  /** Spread (σ of log) of the agents' base rates. */
  heterogeneity: number;
  seed: number;
}

/** Named defaults of {@link SyntheticFleet}. */
export const SYNTHETIC_FLEET: SyntheticFleet = {
  anomalyRate: 0.004,
  alarmsPerSeriesHour: 1,
  canaryFactor: 1,
  pointsPerS: 60,
  series: 20,
  intervalS: 10,
  heterogeneity: 0.3,
  seed: 1,
};

/** Binomial(n, p): the sum of n Bernoulli draws. */
export function binomial(rng: Rng, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) k++;
  return k;
}

/** Poisson(λ) (Knuth; λ is small here). */
export function poisson(rng: Rng, lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > l) {
    k++;
    p *= rng.next();
  }
  return k;
}

/**
 * Makes heartbeats of agents: `heartbeat(agentId, version, canary)` draws one interval of that
 * agent (its base rate is drawn once, on its first heartbeat).
 *
 * @example
 * const fleet = syntheticFleet({ canaryFactor: 4 });
 * await post(fleet.heartbeat("a1", "2", true));
 */
export function syntheticFleet(over: Partial<SyntheticFleet> = {}) {
  const o = { ...SYNTHETIC_FLEET, ...over };
  const rng = createRng(o.seed);
  const base = new Map<string, number>();
  return {
    options: o,
    heartbeat(agentId: string, model: string, version: string, canary: boolean): Heartbeat {
      let b = base.get(agentId);
      if (b === undefined) base.set(agentId, (b = Math.exp(o.heterogeneity * rng.normal() - (o.heterogeneity * o.heterogeneity) / 2)));
      const f = b * (canary ? o.canaryFactor : 1);
      const points = Math.round(o.pointsPerS * o.intervalS);
      const flagged = binomial(rng, points, Math.min(1, o.anomalyRate * f));
      const alarms = poisson(rng, (o.alarmsPerSeriesHour * f * o.series * o.intervalS) / 3600);
      return {
        agent_id: agentId,
        host: `${agentId}.example`,
        agent_version: "0.1.0",
        model: { name: model, version },
        uptime_s: 3600,
        points_per_s: o.pointsPerS,
        anomaly_rate: flagged / points,
        buffer_depth: 0,
        sinks: [{ id: "kafka", state: "ok" }],
        last_error: null,
        interval_s: o.intervalS,
        scoring_latency_ms_p99: 4 + rng.next(),
        points,
        flagged,
        alarms,
        series: o.series,
      };
    },
  };
}
