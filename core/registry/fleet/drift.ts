/**
 * Drift and shadow figures of a group of agents (a model version, a host) for the fleet view,
 * from the `drift` and `shadow` objects of their heartbeats (models/registry-protocol/heartbeat.ts).
 * @module
 */
import type { FleetDrift, FleetShadow, ParsedHeartbeat } from "../../../models/registry-protocol/heartbeat.ts";

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Drift over the heartbeats that report it; null when none does.
 *
 * @example
 * fleetDrift(agents.map((a) => a.heartbeat)); // { agents: 3, score_psi_max: 0.31, ..., drifted_series: 12 }
 */
export function fleetDrift(hbs: ParsedHeartbeat[]): FleetDrift | null {
  const ds = hbs.map((h) => h.drift).filter((d) => d !== undefined);
  if (ds.length === 0) return null;
  let max = 0;
  let sum = 0;
  let drifted = 0;
  let series = 0;
  let input = 0;
  for (const d of ds) {
    max = Math.max(max, d.score.psi);
    sum += d.score.psi;
    if (d.score.drifted) drifted++;
    series += d.drifted;
    input = Math.max(input, d.max_psi);
  }
  return {
    agents: ds.length,
    score_psi_max: r6(max),
    score_psi_mean: r6(sum / ds.length),
    score_drifted: drifted,
    drifted_series: series,
    input_psi_max: r6(input),
  };
}

/** Most shadow candidates listed per group. */
export const FLEET_SHADOWS_MAX = 10;

/**
 * Shadow candidates reported by the heartbeats, per candidate (`name@version`): agents, points,
 * point-weighted agreement and flag rates; the {@link FLEET_SHADOWS_MAX} with the most agents.
 */
export function fleetShadows(hbs: ParsedHeartbeat[]): FleetShadow[] {
  const groups = new Map<string, { agents: number; points: number; agree: number; flag: number; live: number; weighed: number }>();
  for (const h of hbs) {
    const s = h.shadow;
    if (!s) continue;
    const key = `${s.model.name}@${s.model.version}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { agents: 0, points: 0, agree: 0, flag: 0, live: 0, weighed: 0 }));
    g.agents++;
    g.points += s.points;
    if (s.agreement !== null && s.flag_rate !== null && s.live_flag_rate !== null && s.points > 0) {
      g.weighed += s.points;
      g.agree += s.agreement * s.points;
      g.flag += s.flag_rate * s.points;
      g.live += s.live_flag_rate * s.points;
    }
  }
  const mean = (x: number, w: number) => (w > 0 ? r6(x / w) : null);
  return [...groups]
    .map(([candidate, g]) => ({
      candidate,
      agents: g.agents,
      points: g.points,
      agreement: mean(g.agree, g.weighed),
      flag_rate: mean(g.flag, g.weighed),
      live_flag_rate: mean(g.live, g.weighed),
    }))
    .sort((a, b) => b.agents - a.agents || a.candidate.localeCompare(b.candidate))
    .slice(0, FLEET_SHADOWS_MAX);
}

/** `drift` (and `shadows` when `shadows`) of a group, only the keys that have something to say: agents without drift keep the view's older shape. */
export function withDrift(hbs: ParsedHeartbeat[], shadows = true): { drift?: FleetDrift; shadows?: FleetShadow[] } {
  const out: { drift?: FleetDrift; shadows?: FleetShadow[] } = {};
  const d = fleetDrift(hbs);
  if (d) out.drift = d;
  const s = shadows ? fleetShadows(hbs) : [];
  if (s.length) out.shadows = s;
  return out;
}
