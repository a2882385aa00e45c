import type { ParsedHeartbeat } from "../../../models/registry/heartbeat.ts";
import type { RegistryEvent } from "../../../models/registry/protocol.ts";
import type { RegistryStore } from "../store/index.ts";

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

/**
 * The canary guard: when a heartbeat reports load or scoring failures of the version a model's
 * live canary points at (and stable does not), the canary's rollout drops to 0 at once — every
 * agent resolves stable again on its next poll — and a `canary_rollback` event is recorded.
 * Returns the events recorded (none in the usual case).
 *
 * @example
 * const events = canaryGuard(store, heartbeat);
 */
export function canaryGuard(store: RegistryStore, hb: ParsedHeartbeat): RegistryEvent[] {
  const events: RegistryEvent[] = [];
  for (const f of failingVersions(hb)) {
    const canary = store.channels.get(f.name, "canary");
    if (!canary || canary.version !== f.version || canary.rollout <= 0) continue;
    if (store.channels.get(f.name, "stable")?.version === f.version) continue;
    store.channels.set(f.name, "canary", canary.version, 0, "guard");
    const what = [f.load ? `${f.load} load failure(s)` : "", f.scoring ? `${f.scoring} scoring failure(s)` : ""].filter(Boolean).join(" and ");
    events.push(
      store.events.record({
        type: "canary_rollback", model: f.name, version: f.version, channel: "canary", actor: "canary-guard",
        detail: { agent_id: hb.agent_id, load_failures: f.load, scoring_failures: f.scoring, previous_rollout: canary.rollout, last_error: hb.last_error, reason: `agent ${hb.agent_id} reported ${what}` },
      }),
    );
  }
  return events;
}
