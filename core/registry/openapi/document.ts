/**
 * The OpenAPI 3.1 description of the registry (`GET /openapi.json`), written out by hand over
 * generated request schemas. `document.test.ts` checks it lists exactly the app's routes.
 */
import { evalPaths } from "./eval-paths.ts";
import { schemas } from "./schemas.ts";

type Json = Record<string, unknown>;
type Role = "publisher" | "agent" | "enroll" | "none";

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description = "OK"): Json => ({ description, content: { "application/json": { schema } } });
const err = (description: string): Json => json(ref("Error"), description);
const path = (name: string): Json => ({ name, in: "path", required: true, schema: name === "channel" ? ref("Channel") : ref("Name") });
const query = (name: string, schema: Json, required = false, description?: string): Json => ({
  name,
  in: "query",
  required,
  schema,
  ...(description ? { description } : {}),
});
const etagHeader = { ETag: { schema: { type: "string" } } };

function op(summary: string, role: Role, extra: Json = {}, responses: Record<string, Json> = {}): Json {
  const auth: Record<string, Json> =
    role === "none" ? {} : { 401: err("no or unknown token"), ...(role === "publisher" ? { 403: err("an agent token asked for a publisher action") } : {}) };
  return {
    summary,
    ...(role === "none" ? { security: [] } : { "x-role": role }),
    ...extra,
    responses: { ...responses, ...auth },
  };
}

const modelPath = [path("name")];
const versionPath = [path("name"), path("version")];
const channelPath = [path("name"), path("channel")];

/** The document served at `/openapi.json`. */
export const openApiDocument: Json = {
  openapi: "3.1.0",
  info: {
    title: "agent model registry",
    version: "1.0.0",
    description:
      "Model bundles, channels with hash-based rollout, and the fleet of agents. Tokens: `Authorization: Bearer <token>`; publisher tokens may do everything, agent tokens may read, resolve, download and send heartbeats. Errors are `{error, reason}`.",
  },
  components: {
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer" },
      basic: { type: "http", scheme: "basic", description: "token as the password (browsers, /fleet)" },
    },
    schemas,
  },
  security: [{ bearer: [] }],
  paths: {
    "/healthz": { get: op("Liveness", "none", {}, { 200: json({ type: "object" }) }) },
    "/openapi.json": { get: op("This document", "none", {}, { 200: json({ type: "object" }) }) },
    "/fleet": {
      get: op(
        "Fleet web page (HTML, refreshes itself from /v1/fleet)",
        "publisher",
        { security: [{ basic: [] }, { bearer: [] }] },
        {
          200: { description: "HTML page", content: { "text/html": { schema: { type: "string" } } } },
        },
      ),
    },
    "/v1/models": {
      get: op("List models", "agent", {}, { 200: json({ type: "object", properties: { models: { type: "array", items: ref("ModelSummary") } } }) }),
    },
    "/v1/models/{name}/versions": {
      get: op(
        "List a model's versions, oldest first",
        "agent",
        { parameters: modelPath },
        {
          200: json({ type: "object", properties: { model: { type: "string" }, versions: { type: "array", items: ref("VersionInfo") } } }),
          400: err("invalid name"),
          404: err("unknown model"),
        },
      ),
      post: op(
        "Publish a version (validated: schema, sha256 of every file, size, one trial inference)",
        "publisher",
        {
          parameters: modelPath,
          requestBody: { required: true, content: { "application/json": { schema: ref("BundleEnvelope") } } },
        },
        {
          201: json(ref("PublishResult"), "published"),
          200: json(ref("PublishResult"), "identical version already published (idempotent)"),
          400: err("not JSON, not an envelope, invalid manifest, bad base64, invalid name, name mismatch"),
          409: err("version exists with other content"),
          413: err("bundle larger than the limit (Content-Length checked first; a chunked body is cut at the limit, Connection: close)"),
          422: err(
            "missing/extra file, size or sha256 mismatch, a bundle agents would refuse (invalid_bundle: unsafe file path, window/features mismatch), model does not load or infer; one-line reason",
          ),
        },
      ),
    },
    "/v1/models/{name}/versions/{version}": {
      get: op(
        "A version with its manifest",
        "agent",
        { parameters: versionPath },
        { 200: json(ref("VersionDetail")), 400: err("invalid name"), 404: err("unknown model or version") },
      ),
    },
    "/v1/models/{name}/versions/{version}/bundle": {
      get: op(
        "Download a bundle (JSON envelope). ETag is the manifest digest; If-None-Match → 304",
        "agent",
        {
          parameters: [...versionPath, { name: "If-None-Match", in: "header", required: false, schema: { type: "string" } }],
        },
        {
          200: { ...json(ref("BundleEnvelope")), headers: etagHeader },
          304: { description: "not modified", headers: etagHeader },
          400: err("invalid name"),
          404: err("unknown model or version"),
        },
      ),
    },
    "/v1/models/{name}/channels": {
      get: op(
        "A model's channels",
        "agent",
        { parameters: modelPath },
        {
          200: json({ type: "object", properties: { model: { type: "string" }, channels: { type: "array", items: ref("ChannelState") } } }),
          404: err("unknown model"),
        },
      ),
    },
    "/v1/models/{name}/channels/{channel}": {
      put: op(
        "Point a channel at a version with a rollout percentage",
        "publisher",
        {
          parameters: channelPath,
          requestBody: { required: true, content: { "application/json": { schema: ref("SetChannel") } } },
        },
        {
          200: json(ref("ChannelState")),
          400: err("invalid name, unknown channel or body"),
          404: err("unknown version"),
          409: err(
            "a gated channel: eval_set_missing, eval_pending (retry), eval_unavailable, eval_failed, eval_incomparable or eval_worse; override_reason overrides (recorded)",
          ),
        },
      ),
    },
    "/v1/models/{name}/channels/{channel}/rollback": {
      post: op(
        "Roll back: canary → rollout 0; stable → the previous version (or body.version)",
        "publisher",
        {
          parameters: channelPath,
          requestBody: { required: false, content: { "application/json": { schema: ref("Rollback") } } },
        },
        { 200: json(ref("ChannelState")), 400: err("invalid name, unknown channel or body"), 404: err("unknown version"), 409: err("nothing to roll back") },
      ),
    },
    "/v1/models/{name}/channels/{channel}/resolve": {
      get: op(
        "The version this agent should run (poll with If-None-Match); `rollback` says when an earlier version is served on purpose",
        "agent",
        {
          parameters: [
            ...channelPath,
            query("agent_id", ref("Name"), true),
            { name: "If-None-Match", in: "header", required: false, schema: { type: "string" } },
          ],
        },
        {
          200: { ...json(ref("Resolution")), headers: etagHeader },
          304: { description: "not modified", headers: etagHeader },
          400: err("invalid name, agent_id or unknown channel"),
          404: err("unknown model, or no version on any channel"),
        },
      ),
    },
    ...evalPaths({ op, json, err, ref, modelPath, versionPath, channelPath }),
    "/v1/signing-key": { get: op("The registry's Ed25519 public key", "agent", {}, { 200: json(ref("SigningKey")), 404: err("registry does not sign") }) },
    "/v1/heartbeat": {
      post: op(
        "Report an agent's health (runs the canary guard: only agents seen resolving a canary count, and it takes a quorum of them)",
        "agent",
        { requestBody: { required: true, content: { "application/json": { schema: ref("Heartbeat") } } } },
        {
          200: json(ref("HeartbeatAck"), "recorded; interval_s is the interval the registry assumes (claims above the bound are clamped)"),
          400: err("not JSON"),
          409: err("identity_conflict: the agent id is live on another host"),
          413: err("larger than 64 KiB (Connection: close)"),
          422: err("invalid heartbeat (a field missing, of the wrong type or too long); reason lists each as path: problem"),
          429: err("fleet_full: the fleet holds its limit of live agents"),
        },
      ),
    },
    "/v1/enroll": {
      post: op(
        "Enroll an agent: exchange the operator's enrollment token for this agent's own credential (agc_…), bound to its id; once per id",
        "enroll",
        {
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: { type: "object", required: ["agent_id"], properties: { agent_id: ref("Name") }, additionalProperties: false } },
            },
          },
        },
        {
          201: json(
            { type: "object", properties: { agent_id: ref("Name"), credential: { type: "string" }, enrolled_at: { type: "string" } } },
            "the credential (shown once; stored as sha256)",
          ),
          400: err("not JSON, or not {agent_id}"),
          403: err("revoked: the id was revoked (agent registry revoke ID --forget lets it enroll again); or not an enrollment token"),
          409: err("already_enrolled"),
          413: err("larger than 4 KiB"),
          429: err("enrollment_full: --max-agents enrollments held"),
        },
      ),
    },
    "/v1/agents/credentials": {
      get: op("Enrolled agents (never their credentials)", "publisher", {}, { 200: json({ type: "object", properties: { agents: { type: "array" } } }) }),
    },
    "/v1/agents/{id}/revoke": {
      post: op(
        "Revoke an agent's credential (its requests get 403 revoked); with forget: true the id may enroll again",
        "publisher",
        {
          parameters: [path("id")],
          requestBody: {
            required: false,
            content: {
              "application/json": {
                schema: { type: "object", properties: { forget: { type: "boolean" }, reason: { type: "string" } }, additionalProperties: false },
              },
            },
          },
        },
        { 200: json({ type: "object" }), 400: err("invalid body"), 404: err("not_enrolled") },
      ),
    },
    "/v1/fleet": {
      get: op(
        "The fleet: one page of agents (filtered), versions, hosts, canary vs stable",
        "publisher",
        {
          parameters: [
            query("status", { type: "string", enum: ["ok", "stale", "offline"] }),
            query("model", { type: "string" }),
            query("model_version", { type: "string" }, false, "`7` or `name@7`"),
            query("limit", { type: "integer", minimum: 1, maximum: 1000, default: 100 }, false, "agents per page"),
            query("cursor", ref("Name"), false, "the previous page's next_cursor (agents after this id)"),
          ],
        },
        { 200: json(ref("FleetView")), 400: err("invalid filter, limit or cursor") },
      ),
    },
    "/v1/events": {
      get: op(
        "Recorded events, newest first",
        "publisher",
        {
          parameters: [
            query("model", { type: "string" }),
            query("type", { type: "string" }),
            query("after_id", { type: "integer" }),
            query("limit", { type: "integer", maximum: 1000 }),
          ],
        },
        { 200: json({ type: "object", properties: { events: { type: "array", items: ref("Event") } } }), 400: err("invalid query") },
      ),
    },
  },
};
