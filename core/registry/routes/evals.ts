import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { GateSchema } from "../../../models/registry-protocol/evaluation.ts";
import { requireRole, type RegistryEnv } from "../http/auth.ts";
import { jsonBody, parseJsonBytes, readBodyLimited } from "../http/body.ts";
import { ApiError } from "../http/errors.ts";
import { zodLine } from "../http/one-line.ts";
import { channelParam, nameParam } from "../http/params.ts";
import type { RegistryContext } from "../context.ts";
import { EvalSetError, validateEvalSet } from "../eval/eval-set.ts";

const small = bodyLimit({
  maxSize: 64 * 1024,
  onError: () => {
    throw new ApiError(413, "too_large", "request body larger than 64 KiB");
  },
});

/**
 * Eval-gated promotion routes: a model's evaluation set (`PUT` publisher, bounded and strictly
 * validated; `GET`), a channel's gate (`PUT`/`DELETE` publisher, `GET`), a version's
 * evaluations (`GET`) and running one again (`POST …/evaluate`, publisher).
 */
export function registerEvalRoutes(app: Hono<RegistryEnv>, ctx: RegistryContext): void {
  const publisher = requireRole(ctx.store.tokens, "publisher");
  const reader = requireRole(ctx.store.tokens, "agent");
  const { store } = ctx;
  const knownModel = (name: string) => {
    if (!store.versions.hasModel(name)) throw new ApiError(404, "unknown_model", `no model named ${name}; publish a version first`);
  };

  app.put("/v1/models/:name/eval-set", publisher, async (c) => {
    const name = nameParam(c, "name");
    knownModel(name);
    const json = parseJsonBytes(await readBodyLimited(c.req.raw, ctx.evals.maxSetBytes, `eval set (limit ${ctx.evals.maxSetBytes} bytes)`));
    let set;
    try {
      const runner = ctx.evals.runner;
      // the rows are read in a child process when the registry runs one (a large set takes seconds to parse)
      set = await validateEvalSet(
        json,
        name,
        c.get("actor"),
        ctx.now(),
        { maxPoints: ctx.evals.maxPoints },
        runner && ((dir) => runner.checkSet(dir, ctx.evals.maxPoints)),
      );
    } catch (error) {
      if (error instanceof EvalSetError) throw new ApiError(error.status, error.code, error.reason);
      throw error;
    }
    const previous = store.evals.evalSetInfo(name);
    store.evals.setEvalSet(set.info, set.files);
    const { files: _f, ...summary } = set.info;
    store.events.record({
      type: "eval_set_uploaded",
      model: name,
      actor: c.get("actor"),
      detail: { ...summary, files: set.info.files, previous: previous?.digest ?? null },
    });
    // Evaluate what a gate compares: stable, the canary and the latest version.
    const queued: string[] = [];
    const latest = store.versions.list(name).at(-1)?.version;
    for (const v of new Set([store.channels.get(name, "stable")?.version, store.channels.get(name, "canary")?.version, latest])) {
      if (v && ctx.evals.runner?.enqueue(name, v)) queued.push(v);
    }
    return c.json({ ...set.info, queued }, previous?.digest === set.info.digest ? 200 : 201);
  });

  app.get("/v1/models/:name/eval-set", reader, (c) => {
    const name = nameParam(c, "name");
    const info = store.evals.evalSetInfo(name);
    if (!info) throw new ApiError(404, "no_eval_set", `model ${name} has no evaluation set`);
    return c.json(info);
  });

  app.put("/v1/models/:name/channels/:channel/gate", publisher, small, async (c) => {
    const name = nameParam(c, "name");
    const channel = channelParam(c);
    knownModel(name);
    const parsed = GateSchema.safeParse(await jsonBody(c, true));
    if (!parsed.success) throw new ApiError(400, "invalid_body", `gate: ${zodLine(parsed.error)}`);
    store.evals.setGate(name, channel, { ...parsed.data, by: c.get("actor") });
    store.events.record({ type: "gate_set", model: name, channel, actor: c.get("actor"), detail: { ...parsed.data } });
    return c.json(store.evals.gate(name, channel));
  });

  app.delete("/v1/models/:name/channels/:channel/gate", publisher, (c) => {
    const name = nameParam(c, "name");
    const channel = channelParam(c);
    if (!store.evals.gate(name, channel)) throw new ApiError(404, "no_gate", `channel ${channel} of ${name} has no gate`);
    store.evals.setGate(name, channel, undefined);
    store.events.record({ type: "gate_set", model: name, channel, actor: c.get("actor"), detail: { removed: true } });
    return c.json({ model: name, channel, gate: null });
  });

  app.get("/v1/models/:name/channels/:channel/gate", reader, (c) => {
    const name = nameParam(c, "name");
    const channel = channelParam(c);
    const gate = store.evals.gate(name, channel);
    if (!gate) throw new ApiError(404, "no_gate", `channel ${channel} of ${name} has no gate`);
    return c.json(gate);
  });

  app.get("/v1/models/:name/versions/:version/evaluations", reader, (c) => {
    const name = nameParam(c, "name");
    const version = nameParam(c, "version");
    if (!store.versions.get(name, version)) throw new ApiError(404, "unknown_version", `model ${name} has no version ${version}`);
    return c.json({ model: name, version, eval_set: store.evals.evalSetInfo(name)?.digest ?? null, evaluations: store.evals.list(name, version) });
  });

  app.post("/v1/models/:name/versions/:version/evaluate", publisher, (c) => {
    const name = nameParam(c, "name");
    const version = nameParam(c, "version");
    if (!store.versions.get(name, version)) throw new ApiError(404, "unknown_version", `model ${name} has no version ${version}`);
    const set = store.evals.evalSetInfo(name);
    if (!set) throw new ApiError(409, "eval_set_missing", `model ${name} has no evaluation set (PUT /v1/models/${name}/eval-set)`);
    if (!ctx.evals.runner) throw new ApiError(503, "eval_unavailable", "this registry runs no evaluations (no agent command configured)");
    ctx.evals.runner.enqueue(name, version, true);
    return c.json(store.evals.get(name, version, set.digest), 202);
  });
}
