import type { ParsedHeartbeat } from "../../../models/registry-protocol/heartbeat.ts";
import type { RegistryEvent } from "../../../models/registry-protocol/protocol.ts";
import type { RegistryStore } from "../store/index.ts";
import type { CanaryCohorts } from "./cohort.ts";

/** The versions a heartbeat reports failures of: load failures count against `target` (else `model`). */
export function failingVersions(hb: ParsedHeartbeat): { name: string; version: string; load: number; scoring: number }[] {
  const out: { name: string; version: string; load: number; scoring: number }[] = [];
  const load = hb.load_failures ?? 0;
  const scoring = hb.scoring_failures ?? 0;
  const target = hb.target ?? hb.model;
  if (load > 0) out.push({ ...target, load, scoring: 0 });
  if (scoring > 0) {
    const same = out.find((o) => o.name === hb.model.name && o.version === hb.model.version);
    if (same) same.scoring = scoring;
    else out.push({ ...hb.model, load: 0, scoring });
  }
  return out;
}

/** What the guard made of one heartbeat. */
export interface GuardOutcome {
  /** `canary_rollback` events recorded (none in the usual case). */
  events: RegistryEvent[];
  /** Failure reports of a live canary by an agent the registry never saw resolve it: not counted. */
  ignored: { model: string; version: string }[];
  /** Counted reports still below the quorum. */
  pending: { model: string; version: string; agents: number; quorum: number }[];
}

/**
 * The canary guard: when `quorum` distinct agents that the registry has seen resolve a model's
 * live canary version (and stable does not point at it) report load or scoring failures of
 * it, the canary's rollout drops to 0 — every agent resolves stable again on its next poll —
 * and a `canary_rollback` event names the reporting agents. Reports by agents outside the
 * cohort (ids that never resolved that canary) are ignored.
 *
 * @example
 * const { events } = canaryGuard(store, cohorts, heartbeat, 2);
 */
export function canaryGuard(store: RegistryStore, cohorts: CanaryCohorts, hb: ParsedHeartbeat, quorum: number): GuardOutcome {
  const out: GuardOutcome = { events: [], ignored: [], pending: [] };
  for (const f of failingVersions(hb)) {
    const canary = store.channels.get(f.name, "canary");
    if (!canary || canary.version !== f.version || canary.rollout <= 0) continue;
    if (store.channels.get(f.name, "stable")?.version === f.version) continue;
    const n = cohorts.reportFailure(f.name, f.version, hb.agent_id);
    if (n === undefined) {
      out.ignored.push({ model: f.name, version: f.version });
      continue;
    }
    if (n < quorum) {
      out.pending.push({ model: f.name, version: f.version, agents: n, quorum });
      continue;
    }
    store.channels.set(f.name, "canary", canary.version, 0, "guard");
    const what = [f.load ? `${f.load} load failure(s)` : "", f.scoring ? `${f.scoring} scoring failure(s)` : ""].filter(Boolean).join(" and ");
    const agents = cohorts.failingAgents(f.name, f.version);
    out.events.push(
      store.events.record({
        type: "canary_rollback",
        model: f.name,
        version: f.version,
        channel: "canary",
        actor: "canary-guard",
        detail: {
          agent_id: hb.agent_id,
          agents,
          quorum,
          load_failures: f.load,
          scoring_failures: f.scoring,
          previous_rollout: canary.rollout,
          last_error: hb.last_error,
          reason: `${agents.length} agent(s) of the canary cohort reported failures (quorum ${quorum}); the last, ${hb.agent_id}, reported ${what}`,
        },
      }),
    );
  }
  return out;
}
