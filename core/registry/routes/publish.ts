import type { Hono } from "hono";
import { EnvelopeError, unpackEnvelope } from "../../../models/registry-protocol/envelope.ts";
import type { PublishResult } from "../../../models/registry-protocol/protocol.ts";
import { canonicalJson, manifestDigest } from "../../../models/registry-protocol/signature.ts";
import { requireRole, type RegistryEnv } from "../http/auth.ts";
import { parseJsonBytes, readBodyLimited } from "../http/body.ts";
import { ApiError } from "../http/errors.ts";
import { nameParam } from "../http/params.ts";
import type { RegistryContext } from "../context.ts";
import { ModelCheckError } from "../validate/errors.ts";
import { errorLine, oneLine } from "../http/one-line.ts";
import { manifestProblems } from "../../../models/format/checks.ts";

/** Largest request body for a bundle of `maxBytes` file bytes: base64 (4/3) plus 1 MiB of JSON. */
export function maxUploadBody(maxBytes: number): number {
  return Math.ceil((maxBytes * 4) / 3) + 1024 * 1024;
}

/**
 * `POST /v1/models/{name}/versions` (publisher token): validates the envelope (shape, manifest
 * schema, size, every file's presence/size/sha256, no extra file), loads the model and runs one
 * inference, then stores the files content-addressed and the version immutably. 201 created,
 * 200 when the identical version exists, 409 when the version exists with other content.
 */
export function registerPublishRoute(app: Hono<RegistryEnv>, ctx: RegistryContext): void {
  const limit = maxUploadBody(ctx.maxBundleBytes);
  app.post("/v1/models/:name/versions", requireRole(ctx.auth, "publisher"), async (c) => {
    const name = nameParam(c, "name");
    // Content-Length checked up front; a chunked body is counted as it arrives and cut at the limit.
    const body = parseJsonBytes(await readBodyLimited(c.req.raw, limit, `upload (bundle limit ${ctx.maxBundleBytes} bytes)`));
    let bundle;
    try {
      bundle = unpackEnvelope(body, { maxBytes: ctx.maxBundleBytes });
    } catch (error) {
      if (error instanceof EnvelopeError) throw new ApiError(error.status, error.code, oneLine(error.reason, 2000));
      throw error;
    }
    const { manifest } = bundle;
    // The checks every agent runs when it loads a bundle: refuse here what agents would refuse.
    const problems = manifestProblems(manifest);
    if (problems.length > 0) throw new ApiError(422, "invalid_bundle", oneLine(`agents would refuse this bundle: ${problems.join("; ")}`, 2000));
    if (manifest.name !== name) {
      throw new ApiError(400, "name_mismatch", `manifest name ${manifest.name} does not match the URL's model ${name}`);
    }
    const digest = manifestDigest(manifest);
    const publisherSignature = bundle.publisherSignature;
    const answer = (created: boolean): PublishResult => ({
      model: name,
      version: manifest.version,
      digest,
      created,
      signed: !!ctx.signer,
      publisher_signed: !!publisherSignature || !!ctx.store.versions.get(name, manifest.version)?.publisher_signature,
    });
    // An identical re-push may add the publisher's signature to a version published without one.
    const same = () => {
      if (publisherSignature && !ctx.store.versions.get(name, manifest.version)?.publisher_signature) {
        ctx.store.versions.setPublisherSignature(name, manifest.version, publisherSignature);
      }
      return c.json(answer(false), 200);
    };
    const existing = ctx.store.versions.get(name, manifest.version);
    if (existing) return sameOrConflict(existing.digest, digest, name, manifest.version, same);
    try {
      await ctx.checkModel(bundle);
    } catch (error) {
      if (error instanceof ModelCheckError) throw new ApiError(422, error.code, oneLine(error.message, 2000));
      throw new ApiError(422, "model_check_failed", errorLine(error));
    }
    for (const f of manifest.files) await ctx.store.blobs.put(f.sha256, bundle.files.get(f.path)!);
    const signature = ctx.signer ? await ctx.signer.sign(manifest) : undefined;
    // Re-check after the awaits: a concurrent publish of the same version may have won.
    const raced = ctx.store.versions.get(name, manifest.version);
    if (raced) return sameOrConflict(raced.digest, digest, name, manifest.version, same);
    const actor = c.get("actor");
    ctx.store.versions.insert({
      model: name,
      version: manifest.version,
      digest,
      manifest: canonicalJson(manifest),
      detector: manifest.detector.kind,
      bytes: bundle.bytes,
      signature: signature ? JSON.stringify(signature) : null,
      publisher_signature: publisherSignature ? JSON.stringify(publisherSignature) : null,
      published_at: new Date(ctx.now()).toISOString(),
      published_by: actor,
    });
    ctx.store.events.record({
      type: "version_published",
      model: name,
      version: manifest.version,
      actor,
      detail: { digest, bytes: bundle.bytes, detector: manifest.detector.kind, publisher_key: publisherSignature?.key_id ?? null },
    });
    ctx.log?.info({ model: name, version: manifest.version, digest }, "version published");
    ctx.evals.runner?.enqueue(name, manifest.version);
    return c.json(answer(true), 201);
  });
}

function sameOrConflict(stored: string, digest: string, name: string, version: string, same: () => Response): Response {
  if (stored === digest) return same();
  throw new ApiError(
    409,
    "version_exists",
    `${name}@${version} is already published with other content (digest ${stored.slice(0, 12)}…); versions are immutable, publish a new version`,
  );
}
