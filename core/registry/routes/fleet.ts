import type { Hono } from "hono";
import { AGENT_STATUSES, type AgentStatus, type HeartbeatAck } from "../../../models/registry-protocol/heartbeat.ts";
import { isName } from "../../../models/registry-protocol/protocol.ts";
import { requireRole, type RegistryEnv } from "../http/auth.ts";
import { readBodyLimited } from "../http/body.ts";
import { ApiError } from "../http/errors.ts";
import type { RegistryContext } from "../context.ts";
import { canaryGuard } from "../fleet/guard.ts";
import { abComparison, abGuard } from "../fleet/ab-guard.ts";
import { HeartbeatError, MAX_HEARTBEAT_BYTES, parseHeartbeat } from "../fleet/parse-heartbeat.ts";
import { buildFleetView, FLEET_PAGE, type FleetFilter } from "../fleet/view.ts";
import { FleetRefusal } from "../store/fleet.ts";

/** A non-negative integer query parameter (400 otherwise). */
function intQuery(query: (k: string) => string | undefined, k: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = query(k);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d{1,9}$/.test(v) || n > max) throw new ApiError(400, "invalid_query", `${k} must be an integer 0–${max}`);
  return n;
}

/** The fleet view with the query's filters and page (400 on an unknown status or a bad page). */
export function fleetFromQuery(ctx: RegistryContext, query: (k: string) => string | undefined) {
  const status = query("status");
  if (status !== undefined && !(AGENT_STATUSES as readonly string[]).includes(status)) {
    throw new ApiError(400, "invalid_query", `status must be one of ${AGENT_STATUSES.join(", ")}`);
  }
  const cursor = query("cursor");
  if (cursor !== undefined && !isName(cursor)) throw new ApiError(400, "invalid_query", "cursor must be an agent id (the previous page's next_cursor)");
  const limit = intQuery(query, "limit", FLEET_PAGE.maxLimit);
  if (limit === 0) throw new ApiError(400, "invalid_query", `limit must be an integer 1–${FLEET_PAGE.maxLimit}`);
  const filter: FleetFilter = { status: status as AgentStatus | undefined, model: query("model"), model_version: query("model_version"), limit, cursor };
  const { store } = ctx;
  const now = ctx.now();
  store.fleet.prune(now, ctx.fleet);
  const view = buildFleetView(
    store.fleet.list(),
    now,
    ctx.fleet,
    store.versions.models(),
    (m) => store.channels.all(m),
    filter,
    (m) => abComparison(ctx, m, now),
  );
  return { ...view, refused: { ...ctx.refused } };
}

const count = (ctx: RegistryContext, reason: string) => (ctx.refused[reason] = (ctx.refused[reason] ?? 0) + 1);

/**
 * Fleet routes: `POST /v1/heartbeat` (agent token; bounded body, runs the canary guard),
 * `GET /v1/fleet` (paged) and `GET /v1/events` (publisher token). Refusals are counted by
 * reason in `ctx.refused`.
 */
export function registerFleetRoutes(app: Hono<RegistryEnv>, ctx: RegistryContext): void {
  const publisher = requireRole(ctx.auth, "publisher");

  app.post("/v1/heartbeat", requireRole(ctx.auth, "agent"), async (c) => {
    let hb;
    try {
      hb = parseHeartbeat(await readBodyLimited(c.req.raw, MAX_HEARTBEAT_BYTES, "heartbeat"));
    } catch (error) {
      count(ctx, error instanceof HeartbeatError ? error.code : error instanceof ApiError ? error.code : "bad_request");
      if (error instanceof HeartbeatError) throw new ApiError(error.status, error.code, error.reason);
      throw error;
    }
    const bound = c.get("agentId");
    if (bound && bound !== hb.agent_id) {
      count(ctx, "identity_mismatch");
      ctx.log?.warn({ credential_of: bound, agent_id: hb.agent_id }, "heartbeat for another agent id refused");
      throw new ApiError(403, "identity_mismatch", `this credential belongs to agent ${bound}; it cannot send heartbeats for ${hb.agent_id}`);
    }
    if (!bound && ctx.store.credentials.isEnrolled(hb.agent_id)) {
      count(ctx, "identity_mismatch");
      throw new ApiError(403, "identity_mismatch", `agent ${hb.agent_id} is enrolled: only its own credential may send its heartbeats`);
    }
    const now = ctx.now();
    let rec;
    try {
      rec = ctx.store.fleet.upsert(hb, now, ctx.fleet);
    } catch (error) {
      if (!(error instanceof FleetRefusal)) throw error;
      count(ctx, error.code);
      ctx.log?.warn({ agent_id: hb.agent_id, host: hb.host, code: error.code }, error.message);
      throw new ApiError(error.code === "fleet_full" ? 429 : 409, error.code, error.message);
    }
    // Once agents enroll, a canary's quorum counts enrolled identities only: a shared token can claim any id.
    const unbound = !bound && (hb.load_failures ?? 0) + (hb.scoring_failures ?? 0) > 0 && ctx.store.credentials.any();
    if (unbound) count(ctx, "failure_report_unenrolled");
    if (ctx.canaryGuard && !unbound) {
      const g = canaryGuard(ctx.store, ctx.cohorts, hb, ctx.canaryQuorum);
      for (const e of g.events) ctx.log?.warn({ event: e }, "canary rolled back by the guard");
      for (const i of g.ignored) {
        count(ctx, "failure_report_out_of_cohort");
        ctx.log?.warn({ agent_id: hb.agent_id, ...i }, "failure report of a canary by an agent that never resolved it: ignored");
      }
      const e = abGuard(ctx, hb, rec.interval_s, now);
      if (e) ctx.log?.warn({ event: e }, "canary rolled back by the guard: worse than stable by numbers");
    }
    const ack: HeartbeatAck = { ok: true, server_time: new Date(now).toISOString(), interval_s: rec.interval_s };
    return c.json(ack);
  });

  app.get("/v1/fleet", publisher, (c) => c.json(fleetFromQuery(ctx, (k) => c.req.query(k))));

  app.get("/v1/events", publisher, (c) => {
    const num = (k: string) => {
      const v = c.req.query(k);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new ApiError(400, "invalid_query", `${k} must be a non-negative integer`);
      return n;
    };
    return c.json({ events: ctx.store.events.list({ model: c.req.query("model"), type: c.req.query("type"), afterId: num("after_id"), limit: num("limit") }) });
  });
}
