/**
 * Publisher signatures: made on the publisher's machine (`agent push-model --sign-key`), stored
 * and served by the registry, verified by agents against `registry.publisher_keys`. The registry
 * holds no private key for them, so it cannot forge one.
 *
 * Two kinds of signed statement, each Ed25519 over the UTF-8 of {@link canonicalJson} of an
 * object whose `purpose` field separates them (a signature of one can never pass as the other):
 *
 * - **publish** `{purpose: "agent-model-publish/v1", model, version, manifest}`: the manifest as
 *   published (its canonical bytes list every file's path, size and sha256), plus name/version;
 * - **rollback** `{purpose: "agent-model-rollback/v1", model, from_version, to_version, counter, issued_at}`:
 *   the only way an agent with publisher keys goes back to an older version. `counter` must be
 *   larger than any the agent accepted before (it remembers the last one under `data_dir`).
 */
import type { Manifest } from "../format/manifest.ts";
import { canonicalJson, importEd25519PrivateKey, importPublicKey, keyId, SignatureError } from "./signature.ts";
import { ROLLBACK_PURPOSE, RollbackStatementBodySchema, type Signature, type SignedRollback } from "./protocol.ts";

/** `purpose` of a publish signature. */
export const PUBLISH_PURPOSE = "agent-model-publish/v1";
export { ROLLBACK_PURPOSE, RollbackStatementBodySchema, SignedRollbackSchema, type RollbackStatementBody, type SignedRollback } from "./protocol.ts";

/**
 * The object a publish signature covers: the manifest as the schema parses it (what
 * `unpackEnvelope(...).manifest` gives on the publisher, the registry and the agent alike), with
 * its name and version repeated beside the purpose.
 */
export function publishPayload(manifest: Manifest): Record<string, unknown> {
  return { purpose: PUBLISH_PURPOSE, model: manifest.name, version: manifest.version, manifest };
}

/** A private key able to sign publisher statements. */
export interface PublisherSigner {
  keyId: string;
  sign(payload: unknown): Promise<Signature>;
}

/**
 * A signer from a PKCS#8 PEM Ed25519 private key (`agent registry keygen`, or
 * `openssl genpkey -algorithm ed25519`).
 *
 * @example
 * const signer = await publisherSigner(await Bun.file("publisher.key").text());
 * const sig = await signer.sign(publishPayload(manifest));
 */
export async function publisherSigner(privateKeyPem: string): Promise<PublisherSigner> {
  const { key, pub } = await importEd25519PrivateKey(privateKeyPem);
  const id = await keyId(pub);
  return {
    keyId: id,
    async sign(payload) {
      const sig = await crypto.subtle.sign("Ed25519", key, new TextEncoder().encode(canonicalJson(payload)));
      return { alg: "ed25519", key_id: id, value: Buffer.from(sig).toString("base64") };
    },
  };
}

/** Publisher public keys by key id. */
export type PublisherKeys = ReadonlyMap<string, CryptoKey>;

/**
 * Imports one publisher public key: SPKI PEM text, base64 of SPKI DER (44 bytes) or base64 of
 * the raw 32-byte key. Throws {@link SignatureError} naming what was expected.
 */
export async function importPublisherKey(text: string): Promise<CryptoKey> {
  const t = text.trim();
  if (t.includes("-----BEGIN")) return importPublicKey(t);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(t)) throw new SignatureError("expected an SPKI PEM public key, or base64 of a 32-byte Ed25519 key");
  const bytes = new Uint8Array(Buffer.from(t, "base64"));
  try {
    if (bytes.byteLength === 32) return await crypto.subtle.importKey("raw", bytes, { name: "Ed25519" }, true, ["verify"]);
    return await crypto.subtle.importKey("spki", bytes, { name: "Ed25519" }, true, ["verify"]);
  } catch (error) {
    throw new SignatureError(`not an Ed25519 public key (${bytes.byteLength} bytes of base64): ${(error as Error).message}`);
  }
}

/** The key map of several public keys (rotation: any of them may sign). */
export async function publisherKeyMap(keys: CryptoKey[]): Promise<PublisherKeys> {
  const m = new Map<string, CryptoKey>();
  for (const k of keys) m.set(await keyId(k), k);
  return m;
}

/**
 * Verifies that `signature` is a valid Ed25519 signature of `payload` by one of `keys`; throws
 * {@link SignatureError} when it is missing, made with an unknown key, or does not verify.
 */
export async function verifyPublisherSignature(payload: unknown, signature: Signature | undefined | null, keys: PublisherKeys, what: string): Promise<void> {
  if (!signature) throw new SignatureError(`${what} is not signed by a publisher, and publisher keys are configured`);
  const key = keys.get(signature.key_id);
  if (!key)
    throw new SignatureError(
      `${what} is signed by key ${signature.key_id}, which is not one of the configured publisher keys (${[...keys.keys()].join(", ")})`,
    );
  const sig = Buffer.from(signature.value, "base64");
  const ok = sig.byteLength === 64 && (await crypto.subtle.verify("Ed25519", key, sig, new TextEncoder().encode(canonicalJson(payload))));
  if (!ok) throw new SignatureError(`bad publisher signature on ${what}: not signed by key ${signature.key_id}, or altered`);
}

/**
 * Signs a rollback statement of `model` from `from` to `to` with `counter`.
 *
 * @example
 * const r = await signRollback(signer, { model: "host-ae", from_version: "8", to_version: "7", counter: Date.now() });
 */
export async function signRollback(
  signer: PublisherSigner,
  s: { model: string; from_version: string; to_version: string; counter: number; issued_at?: string },
): Promise<SignedRollback> {
  const statement = RollbackStatementBodySchema.parse({ purpose: ROLLBACK_PURPOSE, issued_at: new Date().toISOString(), ...s });
  return { statement, signature: await signer.sign(statement) };
}
