/**
 * The canary's verdict by numbers: anomaly rate, alarm rate, scoring latency, score drift and
 * failures of the canary arm against the stable arm, each with a confidence interval, and a
 * minimum sample before any verdict. The canary is `worse` when, for a guarded metric, the
 * lower bound of the canary/stable ratio's interval is above the configured margin.
 */
import type { AbArm, AbComparison, AbMetric, AbRate } from "../../../models/registry-protocol/ab.ts";
import { estimateRate, meanCI, ratioCI, tQuantile, type RateEstimate, type Unit } from "./ab-stats.ts";
import type { AgentSums, Experiment } from "./ab-tracker.ts";

/** When the A/B comparison may give a verdict and when the canary is worse. */
export interface AbOptions {
  /** Roll back when the canary's anomaly rate is above this many times stable's (CI lower bound); 0 = not guarded. */
  maxAnomalyRatio: number;
  /** Same for the alarm rate (anomaly events opened per series-hour); 0 = not guarded. */
  maxAlarmRatio: number;
  /** Same for the mean p99 scoring latency; 0 = not guarded. */
  maxLatencyRatio: number;
  /** Minimum agents per arm before a verdict. */
  minAgents: number;
  /** Minimum scored points per arm before a verdict. */
  minPoints: number;
  /** Minimum seconds since the canary was set before a verdict. */
  minSeconds: number;
  /** Confidence level of the intervals. */
  conf: number;
  /** Anomaly rates below this are taken at it (a stable arm with no flagged point gives a finite ratio). */
  anomalyRateFloor: number;
  /** Alarm rates (per series-hour) below this are taken at it. */
  alarmRateFloor: number;
  /** Judge an experiment at most once per this many ms of heartbeats. */
  everyMs: number;
}

/** Named defaults of {@link AbOptions}. */
export const AB_DEFAULTS: AbOptions = {
  maxAnomalyRatio: 2,
  maxAlarmRatio: 2,
  maxLatencyRatio: 0,
  minAgents: 3,
  minPoints: 10_000,
  minSeconds: 600,
  conf: 0.95,
  anomalyRateFloor: 1e-4,
  alarmRateFloor: 1e-3,
  everyMs: 1000,
};

const r6 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 1e6) / 1e6);

function arm(version: string | null, sums: Map<string, AgentSums>): AbArm {
  let points = 0,
    flagged = 0,
    alarms = 0,
    seriesHours = 0,
    seconds = 0,
    heartbeats = 0,
    load = 0,
    scoring = 0,
    failing = 0;
  for (const s of sums.values()) {
    points += s.points;
    flagged += s.flagged;
    alarms += s.alarms;
    seriesHours += s.seriesHours;
    seconds += s.seconds;
    heartbeats += s.heartbeats;
    load += s.loadFailures;
    scoring += s.scoringFailures;
    if (s.loadFailures + s.scoringFailures > 0) failing++;
  }
  return {
    version,
    agents: sums.size,
    heartbeats,
    points,
    flagged,
    alarms,
    series_hours: r6(seriesHours)!,
    agent_hours: r6(seconds / 3600)!,
    load_failures: load,
    scoring_failures: scoring,
    failing_agents: failing,
  };
}

function rateOf(e: RateEstimate, conf: number): AbRate {
  if (e.rate === null || e.se === null) return { rate: null, lower: null, upper: null, agents: e.agents };
  const half = tQuantile(conf, Math.max(1, e.agents - 1)) * e.se;
  return { rate: r6(e.rate), lower: r6(Math.max(0, e.rate - half)), upper: r6(e.rate + half), agents: e.agents };
}

function metric(name: string, unit: string, c: RateEstimate, s: RateEstimate, floor: number, max: number, o: AbOptions): AbMetric {
  const ci = ratioCI(c, s, floor, o.conf);
  const worse = max > 0 && ci !== null && ci.lower > max;
  return {
    name,
    unit,
    canary: rateOf(c, o.conf),
    stable: rateOf(s, o.conf),
    ratio: ci && { ratio: r6(ci.ratio)!, lower: r6(ci.lower)!, upper: r6(ci.upper)! },
    max_ratio: max > 0 ? max : null,
    worse,
  };
}

const units = (sums: Map<string, AgentSums>, f: (s: AgentSums) => Unit | undefined) => [...sums.values()].map(f).filter((u): u is Unit => u !== undefined);

/** Per-agent mean values as a "rate" (Σvalue / agents) with the agents' spread as its error. */
function meanEstimate(values: number[]): RateEstimate {
  const m = meanCI(values);
  if (!m) return { rate: null, se: null, agents: 0, num: 0, den: 0 };
  const n = values.length;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, x) => a + (x - m.mean) ** 2, 0) / (n - 1)) : Number.POSITIVE_INFINITY;
  return { rate: m.mean, se: sd / Math.sqrt(n), agents: n, num: m.mean * n, den: n };
}

/**
 * Judges one experiment at `nowMs`.
 *
 * @example
 * const cmp = judge(tracker.get("host-ae", arms)!, Date.now(), AB_DEFAULTS);
 * if (cmp.verdict === "worse") rollBack(cmp.reasons);
 */
export function judge(e: Experiment, nowMs: number, o: AbOptions): AbComparison {
  const c = e.arms.canary;
  const s = e.arms.stable;
  const anomaly = metric(
    "anomaly_rate",
    "flagged points / scored points",
    estimateRate(
      units(c, (x) => ({ num: x.flagged, den: x.points })),
      "proportion",
    ),
    estimateRate(
      units(s, (x) => ({ num: x.flagged, den: x.points })),
      "proportion",
    ),
    o.anomalyRateFloor,
    o.maxAnomalyRatio,
    o,
  );
  const alarmUnits = (m: Map<string, AgentSums>) => units(m, (x) => (x.seriesHours > 0 ? { num: x.alarms, den: x.seriesHours } : undefined));
  const alarm = metric(
    "alarm_rate",
    "anomaly events opened per series-hour",
    estimateRate(alarmUnits(c), "count"),
    estimateRate(alarmUnits(s), "count"),
    o.alarmRateFloor,
    o.maxAlarmRatio,
    o,
  );
  const lat = (m: Map<string, AgentSums>) => [...m.values()].filter((x) => x.latencyN > 0).map((x) => x.latencySum / x.latencyN);
  const latency = metric(
    "scoring_latency_ms_p99",
    "ms (mean over agents of their p99)",
    meanEstimate(lat(c)),
    meanEstimate(lat(s)),
    0.001,
    o.maxLatencyRatio,
    o,
  );
  const psi = (m: Map<string, AgentSums>) => [...m.values()].map((x) => x.psi).filter((x): x is number => x !== undefined);
  const ca = arm(e.canary, c);
  const sa = arm(e.stable, s);
  const elapsed = Math.max(0, (nowMs - e.startMs) / 1000);
  const short: string[] = [];
  for (const [name, a] of [
    ["canary", ca],
    ["stable", sa],
  ] as const) {
    if (a.agents < o.minAgents) short.push(`${name} has ${a.agents} of ${o.minAgents} agents`);
    if (a.points < o.minPoints) short.push(`${name} has ${a.points} of ${o.minPoints} points`);
  }
  if (elapsed < o.minSeconds) short.push(`${Math.floor(elapsed)} of ${o.minSeconds} s since the canary was set`);
  const metrics = [anomaly, alarm, latency];
  const worse = short.length ? [] : metrics.filter((m) => m.worse);
  const pct = (x: number | null) => (x === null ? "–" : x.toPrecision(3));
  const reasons = short.length
    ? short
    : worse.map(
        (m) =>
          `${m.name}: canary ${pct(m.canary.rate)} vs stable ${pct(m.stable.rate)} (${m.unit}), ratio ${m.ratio!.ratio.toFixed(2)} ` +
          `(${Math.round(o.conf * 100)} % CI ${m.ratio!.lower.toFixed(2)}–${m.ratio!.upper.toFixed(2)}) above the margin ${m.max_ratio}`,
      );
  return {
    model: e.model,
    since: new Date(e.startMs).toISOString(),
    elapsed_s: Math.round(elapsed),
    conf: o.conf,
    min_sample: { agents: o.minAgents, points: o.minPoints, seconds: o.minSeconds },
    canary: ca,
    stable: sa,
    metrics,
    drift_psi: { canary: meanCI(psi(c), o.conf), stable: meanCI(psi(s), o.conf) },
    verdict: short.length ? "insufficient" : worse.length ? "worse" : "ok",
    reasons,
  };
}
