import type { Channel, ChannelState, Resolution } from "../../models/registry-protocol/protocol.ts";

/**
 * The rollout bucket (0–99) of an agent for a model: sha256(`${agentId}/${model}`), first four
 * bytes big-endian, mod 100. Stable per agent and model, independent across models, so the
 * same agents stay in a canary as its rollout grows (10 % ⊂ 50 %).
 *
 * @example
 * bucketOf("edge-01", "host-ae"); // e.g. 37 — the agent gets a 40 % canary, not a 30 % one
 */
export function bucketOf(agentId: string, model: string): number {
  const d = new Bun.CryptoHasher("sha256").update(`${agentId}/${model}`).digest();
  return d.readUInt32BE(0) % 100;
}

/** What {@link pickVersion} needs to know about a model's channels. */
export interface ChannelsView {
  stable?: ChannelState;
  canary?: ChannelState;
  /** The stable version before the current one (served beyond a partial stable rollout). */
  stablePrevious?: string;
}

/**
 * Which version an agent in `bucket` following `channel` runs:
 * 1. a live canary (version set, rollout > 0) reaches agents that follow `canary`, and agents
 *    following `stable` whose bucket < canary rollout (cohort `canary`);
 * 2. otherwise stable, when bucket < stable rollout (cohort `stable`);
 * 3. beyond a partial stable rollout, the previous stable version (cohort `previous`), if any.
 * Undefined when the model has nothing to run.
 *
 * @example
 * pickVersion("stable", 5, { stable: s7, canary: { ...c8, rollout: 10 } }); // { version: "8", cohort: "canary" }
 */
export function pickVersion(channel: Channel, bucket: number, view: ChannelsView): Pick<Resolution, "version" | "cohort"> | undefined {
  const { stable, canary } = view;
  if (canary?.version && canary.rollout > 0 && (channel === "canary" || bucket < canary.rollout)) {
    return { version: canary.version, cohort: "canary" };
  }
  if (!stable?.version) return undefined;
  if (bucket < stable.rollout || !view.stablePrevious) return { version: stable.version, cohort: "stable" };
  return { version: view.stablePrevious, cohort: "previous" };
}

/** How the channels last moved, as {@link declaredRollback} reads them. */
export interface ChannelMoves {
  stable: "set" | "rollback" | "guard";
  canary: "set" | "rollback" | "guard";
  /** The canary channel's state (a withdrawn canary has a version and rollout 0). */
  canaryState?: ChannelState;
  /** Sequence numbers of the channels' last moves (larger is later): a withdrawal before stable's last set declares nothing about stable's version. */
  seq?: { stable: number; canary: number };
}

/**
 * Whether the registry deliberately serves an earlier version than before — the `rollback` flag
 * of a resolution, which lets agents accept a version older than one they already run:
 * a partial stable rollout serving the previous version (cohort `previous`); stable sitting on
 * a rollback; or a canary withdrawn by a rollback (operator or guard), sending its agents back
 * to stable. Never for cohort `canary`.
 *
 * @example
 * declaredRollback("stable", { stable: "set", canary: "guard", canaryState: { ...c8, rollout: 0 } }); // true
 */
export function declaredRollback(cohort: Resolution["cohort"], moves: ChannelMoves): boolean {
  if (cohort === "canary") return false;
  if (cohort === "previous" || moves.stable === "rollback") return true;
  const c = moves.canaryState;
  // A withdrawal sends the canary's agents back to the stable version of that moment only: a
  // later plain PUT of stable (even of an older version) is not a rollback (it used to inherit the flag).
  const stableMovedSince = !!moves.seq && moves.seq.stable > moves.seq.canary && moves.stable === "set";
  return !!c?.version && c.rollout === 0 && moves.canary !== "set" && !stableMovedSince;
}
