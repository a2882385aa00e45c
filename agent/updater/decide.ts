/**
 * The updater's decision on a resolve answer: keep the running version, refuse an older one,
 * skip a version that already failed here, or install it (from disk when it is the current or
 * previous accepted version, else downloaded). Pure, so every rule is tested on its own.
 */
import type { Resolution } from "../../models/registry-protocol/protocol.ts";
import type { AcceptedVersion, ModelState } from "./state.ts";
import type { StatementVerdict } from "./trust.ts";

/** A version that failed on this agent (load, warm-up or its first rounds) and why. */
export interface Rejected {
  digest: string;
  reason: string;
}

/** What to do about a resolution. */
export type Decision =
  | { action: "keep" }
  | { action: "refuse"; reason: string }
  | { action: "skip"; reason: string }
  | { action: "install"; from: "disk" | "download"; accepted?: AcceptedVersion };

/** What {@link decide} looks at besides the resolution. */
export interface DecideContext {
  state: ModelState;
  /** Version and digest of the registry model running now (undefined on the fallback model). */
  running?: { version: string; digest: string };
  /** Versions that failed here, by version. */
  rejected: ReadonlyMap<string, Rejected>;
  /**
   * Publisher keys are configured: the registry's `rollback` flag is ignored, and an older
   * version needs a valid publisher-signed rollback statement ({@link statement}).
   */
  strict?: boolean;
  /** The verdict on the resolution's rollback statement (see `trust.ts`). */
  statement?: StatementVerdict;
}

/**
 * Decides what a resolution means for this agent.
 *
 * Rules, in order: the running version with the same digest → keep; a version that failed here
 * with the same digest → skip (the registry hears about it through the heartbeat); a version
 * published before the newest one accepted → refuse, unless the registry's `rollback` flag is set
 * (without publisher keys) or a valid publisher-signed rollback statement names it (with keys:
 * the flag is then ignored);
 * otherwise install, from disk when it is the current or previous accepted version.
 *
 * @example
 * decide(res, { state, running: { version: "1", digest }, rejected: new Map() }); // { action: "install", from: "download" }
 */
export function decide(res: Resolution, ctx: DecideContext): Decision {
  if (ctx.running && ctx.running.version === res.version && ctx.running.digest === res.digest) return { action: "keep" };
  const bad = ctx.rejected.get(res.version);
  if (bad && bad.digest === res.digest) return { action: "skip", reason: `${res.version} failed here before: ${bad.reason}` };
  const newest = ctx.state.newest_published_at;
  const older = !!res.published_at && !!newest && res.published_at < newest;
  if (older && ctx.strict && !ctx.statement?.ok) {
    const why = ctx.statement ? `its rollback statement is refused: ${ctx.statement.reason}` : "no publisher-signed rollback statement names it";
    return {
      action: "refuse",
      reason: `version ${res.version} (published ${res.published_at}) is older than one already accepted (published ${newest}) and ${why}`,
    };
  }
  if (older && !ctx.strict && !res.rollback) {
    return {
      action: "refuse",
      reason: `version ${res.version} (published ${res.published_at}) is older than one already accepted (published ${newest}) and the registry declared no rollback`,
    };
  }
  const known = [ctx.state.current, ctx.state.previous].find((a) => a?.version === res.version && a.digest === res.digest);
  return known ? { action: "install", from: "disk", accepted: known } : { action: "install", from: "download" };
}
