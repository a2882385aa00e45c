/** OpenAPI paths of eval-gated promotion (merged into `document.ts`). */
type Json = Record<string, unknown>;

/** The helpers of `document.ts` these paths are written with. */
export interface PathHelpers {
  op: (summary: string, role: "publisher" | "agent" | "none", extra?: Json, responses?: Record<string, Json>) => Json;
  json: (schema: Json, description?: string) => Json;
  err: (description: string) => Json;
  ref: (name: string) => Json;
  modelPath: Json[];
  versionPath: Json[];
  channelPath: Json[];
}

/** `paths` entries of the evaluation set, channel gates and evaluations. */
export function evalPaths(h: PathHelpers): Record<string, Json> {
  const { op, json, err, ref } = h;
  const body = (schema: Json) => ({ required: true, content: { "application/json": { schema } } });
  return {
    "/v1/models/{name}/eval-set": {
      put: op(
        "Upload the model's labelled evaluation set (replaces the previous one; queues evaluations of stable, canary and the latest version)",
        "publisher",
        { parameters: h.modelPath, requestBody: body(ref("EvalSetUpload")) },
        {
          200: json(ref("EvalSetInfo"), "the same set again"),
          201: json(ref("EvalSetInfo"), "stored"),
          400: err("not JSON or not an eval-set envelope"),
          404: err("unknown model"),
          413: err("larger than --max-eval-set-mb"),
          422: err("invalid_eval_set: a malformed file (named, with its line), unlabelled series, no anomaly label, too many points"),
        },
      ),
      get: op("The model's evaluation set (summary)", "agent", { parameters: h.modelPath }, { 200: json(ref("EvalSetInfo")), 404: err("no evaluation set") }),
    },
    "/v1/models/{name}/channels/{channel}/gate": {
      put: op(
        "Require an evaluation no worse than stable's on a metric before a version goes on this channel",
        "publisher",
        { parameters: h.channelPath, requestBody: body(ref("Gate")) },
        { 200: json(ref("GateInfo")), 400: err("invalid body"), 404: err("unknown model") },
      ),
      delete: op("Remove the channel's gate", "publisher", { parameters: h.channelPath }, { 200: json({ type: "object" }), 404: err("no gate") }),
      get: op("The channel's gate", "agent", { parameters: h.channelPath }, { 200: json(ref("GateInfo")), 404: err("no gate") }),
    },
    "/v1/models/{name}/versions/{version}/evaluations": {
      get: op(
        "A version's evaluations (newest first), on the current and earlier evaluation sets",
        "agent",
        { parameters: h.versionPath },
        { 200: json({ type: "object", properties: { evaluations: { type: "array", items: ref("Evaluation") } } }), 404: err("unknown version") },
      ),
    },
    "/v1/models/{name}/versions/{version}/evaluate": {
      post: op(
        "Evaluate the version (again) on the current evaluation set, in a worker",
        "publisher",
        { parameters: h.versionPath },
        {
          202: json(ref("Evaluation"), "queued"),
          404: err("unknown version"),
          409: err("the model has no evaluation set"),
          503: err("this registry runs no evaluations"),
        },
      ),
    },
  };
}
