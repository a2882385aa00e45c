import type { Hono } from "hono";
import { ENVELOPE_FORMAT, type ModelSummary, type Signature } from "../../../models/registry-protocol/protocol.ts";
import { requireRole, type RegistryEnv } from "../http/auth.ts";
import { ApiError } from "../http/errors.ts";
import { etagMatches, nameParam } from "../http/params.ts";
import type { RegistryContext } from "../context.ts";
import { versionDetail, versionInfo, type VersionRecord } from "../store/versions.ts";
import { BodyCache } from "./body-cache.ts";

function knownModel(ctx: RegistryContext, name: string): void {
  if (!ctx.store.versions.hasModel(name)) throw new ApiError(404, "unknown_model", `no model named ${name}`);
}

function knownVersion(ctx: RegistryContext, name: string, version: string): VersionRecord {
  const r = ctx.store.versions.get(name, version);
  if (!r) {
    knownModel(ctx, name);
    throw new ApiError(404, "unknown_version", `model ${name} has no version ${version}`);
  }
  return r;
}

/** Signs a version with the current key if it is unsigned or signed by another key. */
async function signature(ctx: RegistryContext, r: VersionRecord): Promise<Signature | undefined> {
  const stored = r.signature ? (JSON.parse(r.signature) as Signature) : undefined;
  if (!ctx.signer || stored?.key_id === ctx.signer.keyId) return stored;
  const sig = await ctx.signer.sign(JSON.parse(r.manifest));
  ctx.store.versions.setSignature(r.model, r.version, sig);
  return sig;
}

/**
 * Read routes (agent or publisher token): models, versions, a version's manifest, channels,
 * the bundle download (JSON envelope, ETag = manifest digest, 304 on `If-None-Match`) and the
 * public signing key.
 */
export function registerReadRoutes(app: Hono<RegistryEnv>, ctx: RegistryContext): void {
  const reader = requireRole(ctx.auth, "agent");
  const bodies = new BodyCache(128 * 1024 * 1024);

  app.get("/v1/models", reader, (c) => {
    const models: ModelSummary[] = ctx.store.versions.models().map((name) => {
      const versions = ctx.store.versions.list(name);
      const channels: ModelSummary["channels"] = {};
      for (const s of ctx.store.channels.all(name)) channels[s.channel] = { version: s.version, rollout: s.rollout };
      return { name, versions: versions.length, latest: versions.at(-1)?.version ?? null, channels };
    });
    return c.json({ models });
  });

  app.get("/v1/models/:name/versions", reader, (c) => {
    const name = nameParam(c, "name");
    knownModel(ctx, name);
    return c.json({ model: name, versions: ctx.store.versions.list(name).map(versionInfo) });
  });

  app.get("/v1/models/:name/versions/:version", reader, async (c) => {
    const r = knownVersion(ctx, nameParam(c, "name"), nameParam(c, "version"));
    await signature(ctx, r);
    const set = ctx.store.evals.evalSetInfo(r.model);
    return c.json({ ...versionDetail(r), evaluation: (set && ctx.store.evals.get(r.model, r.version, set.digest)) ?? null });
  });

  app.get("/v1/models/:name/versions/:version/bundle", reader, async (c) => {
    const r = knownVersion(ctx, nameParam(c, "name"), nameParam(c, "version"));
    const sig = await signature(ctx, r);
    const pubSig = r.publisher_signature ? (JSON.parse(r.publisher_signature) as Signature) : undefined;
    const etag = `"${r.digest}${sig ? `.${sig.key_id}` : ""}${pubSig ? `.p${pubSig.key_id}` : ""}"`;
    const headers = { etag, "cache-control": "no-cache" };
    if (etagMatches(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
    const body = await bodies.get(etag, async () => {
      const manifest = JSON.parse(r.manifest) as { files: { path: string; sha256: string }[] };
      const files: Record<string, string> = {};
      for (const f of manifest.files) files[f.path] = Buffer.from(await ctx.store.blobs.get(f.sha256)).toString("base64");
      return JSON.stringify({
        format: ENVELOPE_FORMAT,
        manifest,
        files,
        ...(sig ? { signature: sig } : {}),
        ...(pubSig ? { publisher_signature: pubSig } : {}),
      });
    });
    return c.body(body, 200, { ...headers, "content-type": "application/json" });
  });

  app.get("/v1/models/:name/channels", reader, (c) => {
    const name = nameParam(c, "name");
    knownModel(ctx, name);
    return c.json({ model: name, channels: ctx.store.channels.all(name) });
  });

  app.get("/v1/signing-key", reader, (c) => {
    if (!ctx.signer) throw new ApiError(404, "not_signing", "this registry has no signing key (start it with --signing-key FILE)");
    return c.json({ alg: "ed25519", key_id: ctx.signer.keyId, public_key_pem: ctx.signer.publicKeyPem });
  });
}
