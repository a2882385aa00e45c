import type { Evaluation, GateInfo } from "../../../models/registry-protocol/evaluation.ts";
import type { RegistryStore } from "../store/index.ts";

/** The gate's decision on putting `candidate` on a gated channel. */
export type GateDecision =
  | { ok: true; detail: GateDetail }
  | {
      ok: false;
      status: 409;
      code: "eval_set_missing" | "eval_pending" | "eval_unavailable" | "eval_failed" | "eval_worse" | "eval_incomparable";
      reason: string;
      detail: GateDetail;
    };

/** What the decision was based on (recorded in the channel event). */
export interface GateDetail {
  metric: string;
  tolerance: number;
  set_digest: string | null;
  candidate: { version: string; value: number | null; status: Evaluation["status"] | "missing" };
  stable: { version: string; value: number | null; status: Evaluation["status"] | "missing" } | null;
}

/**
 * Decides whether `candidate` may go on a channel guarded by `gate`: the model needs an
 * evaluation set, the candidate a finished evaluation on it, and — when stable points at another
 * version — stable's evaluation on the same set, and the candidate must score no worse than
 * stable on the gate's metric (minus its tolerance). Missing evaluations are queued through
 * `enqueue` (the answer says to retry).
 *
 * @example
 * const d = gateDecision(store, gate, "8", (v) => runner.enqueue("host-ae", v));
 * if (!d.ok) throw new ApiError(d.status, d.code, d.reason);
 */
export function gateDecision(store: RegistryStore, gate: GateInfo, candidate: string, enqueue: ((version: string) => boolean) | undefined): GateDecision {
  const { model, metric, tolerance } = gate;
  const set = store.evals.evalSetInfo(model);
  const stableVersion = store.channels.get(model, "stable")?.version ?? null;
  const look = (version: string) => {
    const e = set ? store.evals.get(model, version, set.digest) : undefined;
    if (!e && set) enqueue?.(version);
    const value = e?.result ? ((e.result as unknown as Record<string, number | null>)[metric] ?? null) : null;
    return { version, value, status: e?.status ?? ("missing" as const), error: e?.error ?? null };
  };
  const cand = look(candidate);
  const stable = stableVersion && stableVersion !== candidate ? look(stableVersion) : null;
  const detail: GateDetail = {
    metric,
    tolerance,
    set_digest: set?.digest ?? null,
    candidate: { version: cand.version, value: cand.value, status: cand.status },
    stable: stable && { version: stable.version, value: stable.value, status: stable.status },
  };
  const no = (code: Exclude<GateDecision, { ok: true }>["code"], reason: string): GateDecision => ({
    ok: false,
    status: 409,
    code,
    reason: `${reason}; pass override_reason to put it on ${gate.channel} anyway (recorded)`,
    detail,
  });
  if (!set)
    return no(
      "eval_set_missing",
      `channel ${gate.channel} of ${model} requires an evaluation, and ${model} has no evaluation set (PUT /v1/models/${model}/eval-set)`,
    );
  for (const x of [cand, stable]) {
    if (!x) continue;
    if (x.status === "failed")
      return no("eval_failed", `the evaluation of ${model}@${x.version} failed: ${x.error ?? "unknown"} (POST …/versions/${x.version}/evaluate runs it again)`);
    if (x.status === "missing" && !enqueue)
      return no(
        "eval_unavailable",
        `${model}@${x.version} has no evaluation on the current set, and this registry runs no evaluations (serve it with evaluations enabled)`,
      );
    if (x.status !== "done")
      return no(
        "eval_pending",
        `the evaluation of ${model}@${x.version} on the current set is ${x.status === "missing" ? "queued" : x.status}; retry when it is done`,
      );
  }
  if (cand.value === null) return no("eval_incomparable", `${metric} of ${model}@${candidate} is undefined on this evaluation set`);
  if (stable) {
    if (stable.value === null) return no("eval_incomparable", `${metric} of stable ${model}@${stable.version} is undefined on this evaluation set`);
    if (cand.value < stable.value - tolerance)
      return no(
        "eval_worse",
        `${model}@${candidate} scores ${metric} ${cand.value.toFixed(4)} on evaluation set ${set.digest.slice(0, 12)}, worse than stable ${stable.version}'s ${stable.value.toFixed(4)}` +
          (tolerance ? ` (tolerance ${tolerance})` : ""),
      );
  }
  return { ok: true, detail };
}
