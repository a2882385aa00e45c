import type { AbComparison } from "../../../models/registry-protocol/ab.ts";
import type { AgentStatus, CanaryComparison, FleetAgent, FleetView, ParsedHeartbeat, VersionStats } from "../../../models/registry-protocol/heartbeat.ts";
import { withDrift } from "./drift.ts";
import type { ChannelState } from "../../../models/registry-protocol/protocol.ts";
import type { FleetOptions } from "../context.ts";
import type { AgentRecord } from "../store/fleet.ts";

/** Named defaults of {@link FleetOptions}. */
export const FLEET_DEFAULTS: FleetOptions = {
  defaultIntervalS: 10,
  staleFactor: 3,
  offlineFactor: 10,
  maxIntervalS: 3600,
  maxAgents: 10_000,
  retentionS: 7 * 86_400,
};

/** `ok`, `stale` past `staleFactor` intervals without a heartbeat, `offline` past `offlineFactor`. */
export function agentStatus(rec: AgentRecord, nowMs: number, o: FleetOptions = FLEET_DEFAULTS): AgentStatus {
  const age = (nowMs - rec.last_seen_ms) / 1000;
  if (age > o.offlineFactor * rec.interval_s) return "offline";
  if (age > o.staleFactor * rec.interval_s) return "stale";
  return "ok";
}

/** Filters of the fleet view; they narrow `agents` and `counts` only. */
export interface FleetFilter {
  status?: AgentStatus;
  model?: string;
  /** `7` or `host-ae@7`. */
  model_version?: string;
  /** Agents per page (default {@link FLEET_PAGE.limit}, at most {@link FLEET_PAGE.maxLimit}). */
  limit?: number;
  /** Start after this agent id (the previous page's `next_cursor`). */
  cursor?: string;
}

/** Paging of `GET /v1/fleet`: agents per page, and the most versions/hosts listed. */
export const FLEET_PAGE = { limit: 100, maxLimit: 1000, maxGroups: 100 } as const;

/** The `max` groups with the most agents, in their original order; and how many were left out. */
function top<T extends { agents: number }>(groups: T[], max: number): { kept: T[]; omitted: number } {
  if (groups.length <= max) return { kept: groups, omitted: 0 };
  const keep = new Set([...groups].sort((a, b) => b.agents - a.agents).slice(0, max));
  return { kept: groups.filter((g) => keep.has(g)), omitted: groups.length - max };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const round = (x: number | null, d = 6) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);

/** Aggregates per model version over agents that are not offline. */
export function versionStats(agents: FleetAgent[]): VersionStats[] {
  const groups = new Map<string, FleetAgent[]>();
  for (const a of agents) {
    if (a.status === "offline") continue;
    const key = `${a.heartbeat.model.name}@${a.heartbeat.model.version}`;
    const g = groups.get(key);
    if (g) g.push(a);
    else groups.set(key, [a]);
  }
  return [...groups.values()]
    .map((g) => {
      const hbs = g.map((a) => a.heartbeat);
      const lat = hbs.map((h) => h.scoring_latency_ms_p99).filter((x): x is number => x !== undefined);
      return {
        model: hbs[0].model.name,
        version: hbs[0].model.version,
        agents: g.length,
        anomaly_rate_mean: round(mean(hbs.map((h) => h.anomaly_rate))),
        scoring_latency_ms_p99_max: lat.length ? Math.max(...lat) : null,
        load_failures: hbs.reduce((n, h) => n + (h.load_failures ?? 0), 0),
        scoring_failures: hbs.reduce((n, h) => n + (h.scoring_failures ?? 0), 0),
        ...withDrift(hbs),
      };
    })
    .sort((a, b) => (a.model + "@" + a.version).localeCompare(b.model + "@" + b.version));
}

/** Canary versus stable for one model (failures of agents *targeting* the canary count too). */
export function compareCanary(
  model: string,
  stable: ChannelState | undefined,
  canary: ChannelState,
  stats: VersionStats[],
  agents: FleetAgent[],
  ab: AbComparison | null = null,
): CanaryComparison {
  const find = (v: string | null) => stats.find((s) => s.model === model && s.version === v) ?? null;
  const c = find(canary.version);
  const targeting = agents.filter((a) => a.status !== "offline" && a.heartbeat.target?.name === model && a.heartbeat.target.version === canary.version);
  const failing = (c !== null && c.load_failures + c.scoring_failures > 0) || targeting.some((a) => (a.heartbeat.load_failures ?? 0) > 0);
  return {
    model,
    canary: { version: canary.version!, rollout: canary.rollout, stats: c },
    stable: { version: stable?.version ?? null, stats: find(stable?.version ?? null) },
    verdict: failing ? "failing" : ab?.verdict === "worse" ? "worse" : c ? "ok" : "no_data",
    ab,
  };
}

/**
 * The fleet as `GET /v1/fleet` returns it. `channelsOf` gives a model's channels (for the
 * canary comparison of every model whose canary points at a version).
 *
 * @example
 * buildFleetView(store.fleet.list(), Date.now(), FLEET_DEFAULTS, models, (m) => store.channels.all(m));
 */
export function buildFleetView(
  records: AgentRecord[],
  nowMs: number,
  o: FleetOptions,
  models: string[],
  channelsOf: (model: string) => ChannelState[],
  filter: FleetFilter = {},
  abOf: (model: string) => AbComparison | null = () => null,
): FleetView {
  const all: FleetAgent[] = records.map((r) => ({
    agent_id: r.agent_id,
    status: agentStatus(r, nowMs, o),
    last_seen: new Date(r.last_seen_ms).toISOString(),
    age_s: Math.round((nowMs - r.last_seen_ms) / 100) / 10,
    interval_s: r.interval_s,
    heartbeat: r.heartbeat,
  }));
  const mv = filter.model_version;
  const agents = all.filter(
    (a) =>
      (!filter.status || a.status === filter.status) &&
      (!filter.model || a.heartbeat.model.name === filter.model) &&
      (!mv || a.heartbeat.model.version === mv || `${a.heartbeat.model.name}@${a.heartbeat.model.version}` === mv),
  );
  const counts = { total: agents.length, ok: 0, stale: 0, offline: 0 };
  for (const a of agents) counts[a.status]++;
  const limit = Math.min(FLEET_PAGE.maxLimit, Math.max(1, filter.limit ?? FLEET_PAGE.limit));
  const from = filter.cursor === undefined ? 0 : agents.findIndex((a) => a.agent_id > filter.cursor!);
  const page = from < 0 ? [] : agents.slice(from, from + limit);
  const next_cursor = from >= 0 && from + limit < agents.length ? page[page.length - 1].agent_id : null;
  const versions = versionStats(all);
  const hostMap = new Map<string, ParsedHeartbeat[]>();
  for (const a of all) {
    if (a.status === "offline") continue;
    const hbs = hostMap.get(a.heartbeat.host);
    if (hbs) hbs.push(a.heartbeat);
    else hostMap.set(a.heartbeat.host, [a.heartbeat]);
  }
  const hosts = [...hostMap]
    .map(([host, hbs]) => ({ host, agents: hbs.length, anomaly_rate_mean: round(mean(hbs.map((h) => h.anomaly_rate))), ...withDrift(hbs, false) }))
    .sort((a, b) => a.host.localeCompare(b.host));
  const canaries: CanaryComparison[] = [];
  for (const m of models) {
    const chans = channelsOf(m);
    const canary = chans.find((s) => s.channel === "canary");
    if (canary?.version)
      canaries.push(
        compareCanary(
          m,
          chans.find((s) => s.channel === "stable"),
          canary,
          versions,
          all,
          abOf(m),
        ),
      );
  }
  const v = top(versions, FLEET_PAGE.maxGroups);
  const h = top(hosts, FLEET_PAGE.maxGroups);
  return {
    generated_at: new Date(nowMs).toISOString(),
    counts,
    agents: page,
    next_cursor,
    limit,
    versions: v.kept,
    hosts: h.kept,
    omitted: { versions: v.omitted, hosts: h.omitted },
    canaries,
  };
}
