import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AGENT_STATUSES, HeartbeatSchema, type AgentStatus, type HeartbeatAck } from "../../../models/registry/heartbeat.ts";
import { requireRole, type RegistryEnv } from "../http/auth.ts";
import { ApiError, jsonBody } from "../http/errors.ts";
import type { RegistryContext } from "../context.ts";
import { canaryGuard } from "../fleet/guard.ts";
import { buildFleetView, type FleetFilter } from "../fleet/view.ts";

/** The fleet view with the query's filters (400 on an unknown status). */
export function fleetFromQuery(ctx: RegistryContext, query: (k: string) => string | undefined) {
  const status = query("status");
  if (status !== undefined && !(AGENT_STATUSES as readonly string[]).includes(status)) {
    throw new ApiError(400, "invalid_query", `status must be one of ${AGENT_STATUSES.join(", ")}`);
  }
  const filter: FleetFilter = { status: status as AgentStatus | undefined, model: query("model"), model_version: query("model_version") };
  const { store } = ctx;
  return buildFleetView(store.fleet.list(), ctx.now(), ctx.fleet, store.versions.models(), (m) => store.channels.all(m), filter);
}

/**
 * Fleet routes: `POST /v1/heartbeat` (agent token; runs the canary guard), `GET /v1/fleet` and
 * `GET /v1/events` (publisher token).
 */
export function registerFleetRoutes(app: Hono<RegistryEnv>, ctx: RegistryContext): void {
  const publisher = requireRole(ctx.store.tokens, "publisher");
  const limit = bodyLimit({ maxSize: 64 * 1024, onError: () => { throw new ApiError(413, "too_large", "heartbeat larger than 64 KiB"); } });

  app.post("/v1/heartbeat", requireRole(ctx.store.tokens, "agent"), limit, async (c) => {
    const parsed = HeartbeatSchema.safeParse(await jsonBody(c));
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new ApiError(400, "invalid_heartbeat", `heartbeat invalid at ${i.path.join(".") || "(root)"}: ${i.message}`);
    }
    const now = ctx.now();
    const rec = ctx.store.fleet.upsert(parsed.data, now, ctx.fleet.defaultIntervalS);
    if (ctx.canaryGuard) {
      for (const e of canaryGuard(ctx.store, parsed.data)) ctx.log?.warn({ event: e }, "canary rolled back by the guard");
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
