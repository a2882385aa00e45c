import type { AbComparison } from "../../../models/registry-protocol/ab.ts";
import type { ParsedHeartbeat } from "../../../models/registry-protocol/heartbeat.ts";
import type { RegistryEvent } from "../../../models/registry-protocol/protocol.ts";
import type { RegistryStore } from "../store/index.ts";
import { judge, type AbOptions } from "./ab-judge.ts";
import type { AbTracker, ArmsNow } from "./ab-tracker.ts";
import type { CanaryCohorts } from "./cohort.ts";

/** What the A/B guard needs from the registry. */
export interface AbGuardContext {
  store: RegistryStore;
  cohorts: CanaryCohorts;
  stableCohorts: CanaryCohorts;
  ab: AbTracker;
  abOptions: AbOptions;
}

/** The arms of `model`'s experiment: its canary (set, and not also stable) and stable versions. */
export function armsOf(store: RegistryStore, model: string): ArmsNow | undefined {
  const canary = store.channels.get(model, "canary");
  if (!canary?.version) return undefined;
  const stable = store.channels.get(model, "stable")?.version ?? null;
  if (stable === canary.version) return undefined;
  return { canary: canary.version, stable, since: canary.updated_at };
}

/** The comparison of `model`'s canary with stable as of `nowMs` (null without an experiment). */
export function abComparison(ctx: AbGuardContext, model: string, nowMs: number): AbComparison | null {
  const arms = armsOf(ctx.store, model);
  const e = arms && ctx.ab.get(model, arms);
  return e ? judge(e, nowMs, ctx.abOptions) : null;
}

/**
 * Adds a heartbeat to its model's canary experiment (only agents the registry saw resolve that
 * version count) and, at most once per `everyMs`, judges it: when the canary is `worse` by
 * numbers (a guarded metric's canary/stable ratio has its CI's lower bound above the margin,
 * with the minimum sample reached), the canary's rollout drops to 0 and a `canary_rollback`
 * event carries the whole comparison.
 *
 * @example
 * const event = abGuard(ctx, heartbeat, rec.interval_s, Date.now());
 */
export function abGuard(ctx: AbGuardContext, hb: ParsedHeartbeat, intervalS: number, nowMs: number): RegistryEvent | undefined {
  const name = hb.model.name;
  const arms = armsOf(ctx.store, name);
  if (!arms) return undefined;
  const e = ctx.ab.record(hb, intervalS, arms, (v) => (v === arms.canary ? ctx.cohorts : ctx.stableCohorts).has(name, v, hb.agent_id));
  const canary = ctx.store.channels.get(name, "canary")!;
  if (!e || canary.rollout <= 0) return undefined;
  if (e.judgedMs !== undefined && nowMs - e.judgedMs < ctx.abOptions.everyMs) return undefined;
  e.judgedMs = nowMs;
  const cmp = judge(e, nowMs, ctx.abOptions);
  if (cmp.verdict !== "worse") return undefined;
  ctx.store.channels.set(name, "canary", arms.canary, 0, "guard");
  return ctx.store.events.record({
    type: "canary_rollback",
    model: name,
    version: arms.canary,
    channel: "canary",
    actor: "canary-guard",
    detail: {
      reason: `canary ${arms.canary} is worse than stable ${arms.stable ?? "(none)"} by numbers: ${cmp.reasons.join("; ")}`,
      metrics: cmp.metrics.filter((m) => m.worse).map((m) => m.name),
      previous_rollout: canary.rollout,
      comparison: cmp,
    },
  });
}
