import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { isName, RollbackSchema, SetChannelSchema, type Resolution } from "../../../models/registry-protocol/protocol.ts";
import { requireRole, type RegistryEnv } from "../http/auth.ts";
import { jsonBody } from "../http/body.ts";
import { ApiError } from "../http/errors.ts";
import { channelParam, etagMatches, nameParam } from "../http/params.ts";
import type { RegistryContext } from "../context.ts";
import { bucketOf, declaredRollback, pickVersion } from "../rollout.ts";
import { gateDecision, type GateDetail } from "../eval/gate.ts";

const small = bodyLimit({
  maxSize: 64 * 1024,
  onError: () => {
    throw new ApiError(413, "too_large", "request body larger than 64 KiB");
  },
});

function parse<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } },
  v: unknown,
): T {
  const r = schema.safeParse(v);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ApiError(400, "invalid_body", `body invalid at ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return r.data;
}

/**
 * Channel routes: point a channel at a version with a rollout share, roll it back (publisher
 * token), and resolve — the version one agent should run, with ETag/304 — the call agents poll.
 */
export function registerChannelRoutes(app: Hono<RegistryEnv>, ctx: RegistryContext): void {
  const { channels, versions, events } = ctx.store;

  app.put("/v1/models/:name/channels/:channel", requireRole(ctx.auth, "publisher"), small, async (c) => {
    const name = nameParam(c, "name");
    const channel = channelParam(c);
    const body = parse(SetChannelSchema, await jsonBody(c));
    if (!versions.get(name, body.version)) throw new ApiError(404, "unknown_version", `model ${name} has no version ${body.version}; publish it first`);
    const actor = c.get("actor");
    const gate = ctx.store.evals.gate(name, channel);
    let evaluation: GateDetail | undefined;
    if (gate) {
      const runner = ctx.evals.runner;
      const d = gateDecision(ctx.store, gate, body.version, runner && ((v) => runner.enqueue(name, v)));
      evaluation = d.detail;
      if (!d.ok) {
        if (!body.override_reason) throw new ApiError(d.status, d.code, d.reason);
        ctx.store.events.record({
          type: "promotion_override",
          model: name,
          version: body.version,
          channel,
          actor,
          detail: { reason: body.override_reason, by: actor, at: new Date(ctx.now()).toISOString(), refused: { code: d.code, reason: d.reason }, evaluation },
        });
      }
    }
    const state = channels.set(name, channel, body.version, body.rollout, "set");
    if (channel === "canary") ctx.cohorts.clearFailures(name, body.version);
    ctx.ab.reset(name);
    events.record({
      type: "channel_set",
      model: name,
      version: body.version,
      channel,
      actor,
      detail: { rollout: body.rollout, ...(evaluation ? { evaluation } : {}), ...(body.override_reason ? { override_reason: body.override_reason } : {}) },
    });
    return c.json(state);
  });

  app.post("/v1/models/:name/channels/:channel/rollback", requireRole(ctx.auth, "publisher"), small, async (c) => {
    const name = nameParam(c, "name");
    const channel = channelParam(c);
    const body = parse(RollbackSchema, await jsonBody(c, true));
    const cur = channels.get(name, channel);
    if (!cur?.version) throw new ApiError(409, "nothing_to_roll_back", `channel ${channel} of ${name} points at no version`);
    let state;
    const st = body.statement?.statement;
    if (st && st.model !== name) throw new ApiError(400, "invalid_statement", `the rollback statement is for model ${st.model}, not ${name}`);
    if (channel === "canary") {
      if (body.version) throw new ApiError(400, "invalid_body", "a canary rollback sets its rollout to 0; it takes no version");
      if (st && st.from_version !== cur.version)
        throw new ApiError(400, "invalid_statement", `the rollback statement goes from ${st.from_version}; the canary is ${cur.version}`);
      state = channels.set(name, channel, cur.version, 0, "rollback", undefined, body.statement);
    } else {
      if (st && body.version && st.to_version !== body.version)
        throw new ApiError(400, "invalid_statement", `the rollback statement goes to ${st.to_version}, the body names ${body.version}`);
      const target = st
        ? { version: st.to_version, historyId: undefined }
        : body.version
          ? { version: body.version, historyId: undefined }
          : channels.rollbackTarget(name, channel);
      if (!target) throw new ApiError(409, "nothing_to_roll_back", `channel ${channel} of ${name} has no earlier version`);
      if (!versions.get(name, target.version)) throw new ApiError(404, "unknown_version", `model ${name} has no version ${target.version}`);
      state = channels.set(name, channel, target.version, 100, "rollback", target.historyId, body.statement);
    }
    events.record({
      type: "channel_rollback",
      model: name,
      version: state.version,
      channel,
      actor: c.get("actor"),
      detail: {
        from: cur.version,
        reason: body.reason ?? null,
        statement_counter: st?.counter ?? null,
        statement_key: body.statement?.signature.key_id ?? null,
      },
    });
    return c.json(state);
  });

  app.get("/v1/models/:name/channels/:channel/resolve", requireRole(ctx.auth, "agent"), (c) => {
    const name = nameParam(c, "name");
    const channel = channelParam(c);
    const agentId = c.req.query("agent_id") ?? "";
    if (!isName(agentId)) throw new ApiError(400, "invalid_agent_id", "query parameter agent_id is required: 1–64 of letters, digits, '.', '_', '-'");
    const bound = c.get("agentId");
    if (bound && bound !== agentId) {
      ctx.refused.identity_mismatch = (ctx.refused.identity_mismatch ?? 0) + 1;
      throw new ApiError(403, "identity_mismatch", `this credential belongs to agent ${bound}; it cannot resolve for ${agentId}`);
    }
    if (!bound && ctx.store.credentials.isEnrolled(agentId)) {
      ctx.refused.identity_mismatch = (ctx.refused.identity_mismatch ?? 0) + 1;
      throw new ApiError(403, "identity_mismatch", `agent ${agentId} is enrolled: only its own credential may resolve for it`);
    }
    const stable = channels.get(name, "stable");
    const canary = channels.get(name, "canary");
    const bucket = bucketOf(agentId, name);
    const stablePrevious = stable && stable.rollout < 100 ? channels.rollbackTarget(name, "stable")?.version : undefined;
    const pick = pickVersion(channel, bucket, { stable, canary, stablePrevious });
    if (!pick) {
      if (!versions.hasModel(name)) throw new ApiError(404, "unknown_model", `no model named ${name}`);
      throw new ApiError(404, "no_version", `no channel of ${name} points at a version yet`);
    }
    // Once agents enroll, only enrolled identities join a cohort; the guards count only agents seen
    // resolving the version they report (canary and stable arms apart).
    if (bound || !ctx.store.credentials.any()) (pick.cohort === "canary" ? ctx.cohorts : ctx.stableCohorts).resolved(name, pick.version, agentId, ctx.now());
    const { digest, published_at } = versions.get(name, pick.version)!;
    const rollback = declaredRollback(pick.cohort, {
      stable: channels.lastChange(name, "stable"),
      canary: channels.lastChange(name, "canary"),
      canaryState: canary,
      seq: { stable: channels.lastMove(name, "stable"), canary: channels.lastMove(name, "canary") },
    });
    const statement = [channels.statement(name, "stable"), channels.statement(name, "canary")].find((s) => s?.statement.to_version === pick.version);
    const etag = `"${digest.slice(0, 40)}.${pick.cohort}${rollback ? ".rollback" : ""}${statement ? `.r${statement.statement.counter}` : ""}"`;
    const headers = { etag, "cache-control": "no-cache" };
    if (etagMatches(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
    const body: Resolution = {
      model: name,
      channel,
      agent_id: agentId,
      bucket,
      version: pick.version,
      digest,
      cohort: pick.cohort,
      published_at,
      rollback,
      ...(statement ? { rollback_statement: statement } : {}),
      bundle_url: `/v1/models/${name}/versions/${pick.version}/bundle`,
    };
    return c.json(body, 200, headers);
  });
}
