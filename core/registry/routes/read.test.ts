import { expect, test } from "bun:test";
import { unpackEnvelope } from "../../../models/registry-protocol/envelope.ts";
import { importPublicKey, verifyManifestSignature } from "../../../models/registry-protocol/signature.ts";
import { generateSigningKey, loadSigner } from "../signing/keys.ts";
import { AGT, testRegistry, trainedEnvelope } from "../testing/fixtures.ts";

test("models, versions, a version's manifest and the bundle (ETag → 304) are readable with an agent token", async () => {
  const { req } = testRegistry();
  const env = await trainedEnvelope("isolation-forest", "m", "1");
  await req("POST", "/v1/models/m/versions", { body: env });
  await req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
  expect(await (await req("GET", "/v1/models", { token: AGT })).json()).toEqual({
    models: [{ name: "m", versions: 1, latest: "1", channels: { stable: { version: "1", rollout: 100 } } }],
  });
  const versions = (await (await req("GET", "/v1/models/m/versions", { token: AGT })).json()) as {
    versions: { digest: string; detector: string; signed: boolean }[];
  };
  expect(versions.versions[0]).toMatchObject({ detector: "isolation-forest", signed: false });
  const detail = (await (await req("GET", "/v1/models/m/versions/1", { token: AGT })).json()) as { manifest: { files: unknown[] } };
  expect(detail.manifest.files).toEqual(env.manifest.files as unknown[]);
  const b = await req("GET", "/v1/models/m/versions/1/bundle", { token: AGT });
  const etag = b.headers.get("etag")!;
  expect(etag).toBe(`"${versions.versions[0].digest}"`);
  const bundle = unpackEnvelope(await b.json());
  expect([...bundle.files.keys()]).toEqual(["trees.bin"]);
  expect((await req("GET", "/v1/models/m/versions/1/bundle", { token: AGT, headers: { "if-none-match": `W/${etag}, "x"` } })).status).toBe(304);
  expect((await req("GET", "/v1/models/m/versions/2/bundle", { token: AGT })).status).toBe(404);
  expect((await req("GET", "/v1/models/zz/versions", { token: AGT })).status).toBe(404);
  expect((await req("GET", "/v1/models", { token: null })).status).toBe(401);
  expect((await req("GET", "/v1/signing-key", { token: AGT })).status).toBe(404);
});

test("with a signing key every bundle carries a signature the client-side verifier accepts; versions published before are signed on read", async () => {
  const key = await generateSigningKey();
  const unsigned = testRegistry();
  const env = await trainedEnvelope("robust-zscore", "m", "1");
  await unsigned.req("POST", "/v1/models/m/versions", { body: env });
  const { req } = testRegistry({ store: unsigned.store, signer: await loadSigner(key.privateKeyPem) });
  const b = await (await req("GET", "/v1/models/m/versions/1/bundle", { token: AGT })).json();
  const bundle = unpackEnvelope(b);
  expect(bundle.signature?.key_id).toBe(key.keyId);
  const publicKey = await importPublicKey(key.publicKeyPem);
  await verifyManifestSignature(bundle.rawManifest, bundle.signature, publicKey);
  await expect(verifyManifestSignature({ ...bundle.rawManifest, version: "2" }, bundle.signature, publicKey)).rejects.toThrow("bad signature");
  const other = await importPublicKey((await generateSigningKey()).publicKeyPem);
  await expect(verifyManifestSignature(bundle.rawManifest, bundle.signature, other)).rejects.toThrow("expected key");
  expect(await (await req("GET", "/v1/signing-key", { token: AGT })).json()).toEqual({ alg: "ed25519", key_id: key.keyId, public_key_pem: key.publicKeyPem });
  const published = (await (await req("POST", "/v1/models/m/versions", { body: await trainedEnvelope("robust-zscore", "m", "2") })).json()) as {
    signed: boolean;
  };
  expect(published.signed).toBe(true);
});
