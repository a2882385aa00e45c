import type { Hono } from "hono";
import { z } from "zod";
import { NameSchema } from "../../../models/registry-protocol/protocol.ts";
import type { RegistryContext } from "../context.ts";
import { requireRole, type RegistryEnv } from "../http/auth.ts";
import { parseJsonBytes, readBodyLimited } from "../http/body.ts";
import { ApiError } from "../http/errors.ts";
import { nameParam } from "../http/params.ts";
import { EnrollRefusal } from "../store/credentials.ts";

/** Largest enrollment or revocation body (an agent id and a little JSON). */
export const MAX_ENROLL_BYTES = 4096;

const EnrollSchema = z.object({ agent_id: NameSchema }).strict();
const RevokeSchema = z.object({ forget: z.boolean().default(false), reason: z.string().max(500).optional() }).strict();

const count = (ctx: RegistryContext, reason: string) => (ctx.refused[reason] = (ctx.refused[reason] ?? 0) + 1);

/**
 * Enrollment and revocation of agents' own credentials:
 * `POST /v1/enroll {agent_id}` (enrollment token; 201 with the credential, shown once; 409
 * `already_enrolled`, 403 `revoked`), `GET /v1/agents/credentials` and
 * `POST /v1/agents/{id}/revoke {forget?}` (publisher token). Refusals are counted in `ctx.refused`.
 */
export function registerEnrollRoutes(app: Hono<RegistryEnv>, ctx: RegistryContext): void {
  const { credentials, events } = ctx.store;

  app.post("/v1/enroll", requireRole(ctx.auth, "enroll"), async (c) => {
    let body;
    try {
      const parsed = EnrollSchema.safeParse(parseJsonBytes(await readBodyLimited(c.req.raw, MAX_ENROLL_BYTES, "enrollment")));
      if (!parsed.success) throw new ApiError(400, "invalid_body", `expected {"agent_id": "<1–64 of letters, digits, '.', '_', '-'>"}`);
      body = parsed.data;
    } catch (error) {
      if (error instanceof ApiError) count(ctx, `enroll_${error.code}`);
      throw error;
    }
    const at = new Date(ctx.now()).toISOString();
    // Bounded like the fleet: an enrollment token cannot fill the database with made-up ids.
    if (ctx.store.credentials.count() >= ctx.fleet.maxAgents && !ctx.store.credentials.isEnrolled(body.agent_id)) {
      count(ctx, "enroll_full");
      throw new ApiError(
        429,
        "enrollment_full",
        `the registry holds ${ctx.fleet.maxAgents} enrollments (--max-agents); revoke with --forget the ids no longer used`,
      );
    }
    let credential: string;
    try {
      credential = credentials.enroll(body.agent_id, at);
    } catch (error) {
      if (!(error instanceof EnrollRefusal)) throw error;
      count(ctx, `enroll_${error.code}`);
      ctx.log?.warn({ agent_id: body.agent_id, code: error.code }, error.message);
      throw new ApiError(error.code === "revoked" ? 403 : 409, error.code, error.message);
    }
    events.record({ type: "agent_enrolled", model: null, version: null, actor: c.get("actor"), detail: { agent_id: body.agent_id } });
    ctx.log?.info({ agent_id: body.agent_id }, "agent enrolled");
    return c.json({ agent_id: body.agent_id, credential, enrolled_at: at }, 201);
  });

  app.get("/v1/agents/credentials", requireRole(ctx.auth, "publisher"), (c) => c.json({ agents: credentials.list() }));

  app.post("/v1/agents/:id/revoke", requireRole(ctx.auth, "publisher"), async (c) => {
    const id = nameParam(c, "id");
    const parsed = RevokeSchema.safeParse(parseJsonBytes(await readBodyLimited(c.req.raw, MAX_ENROLL_BYTES, "revocation"), true));
    if (!parsed.success) throw new ApiError(400, "invalid_body", `expected {"forget"?: boolean, "reason"?: string}`);
    const at = new Date(ctx.now()).toISOString();
    if (!credentials.revoke(id, at, c.get("actor"), parsed.data.forget)) throw new ApiError(404, "not_enrolled", `agent ${id} is not enrolled`);
    events.record({
      type: "agent_revoked",
      model: null,
      version: null,
      actor: c.get("actor"),
      detail: { agent_id: id, forget: parsed.data.forget, reason: parsed.data.reason ?? null },
    });
    ctx.log?.warn({ agent_id: id, forget: parsed.data.forget }, "agent credential revoked");
    return c.json({ agent_id: id, revoked_at: at, forgotten: parsed.data.forget });
  });
}
