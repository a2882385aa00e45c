/**
 * The registry's Ed25519 signing key (WebCrypto): PKCS#8 PEM private key, SPKI PEM public key —
 * the same files `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` produce.
 */
import { chmod, writeFile } from "node:fs/promises";
import { canonicalJson, derToPem, importEd25519PrivateKey, keyId, pemToDer } from "../../../models/registry-protocol/signature.ts";
import type { Signature } from "../../../models/registry-protocol/protocol.ts";

/** Signs manifests with the registry's key. */
export interface Signer {
  keyId: string;
  publicKeyPem: string;
  /** Signature over the canonical JSON of `manifest`. */
  sign(manifest: unknown): Promise<Signature>;
}

/** A new key pair as PEM text. */
export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
  keyId: string;
}

/**
 * Generates an Ed25519 key pair.
 *
 * @example
 * const { privateKeyPem, publicKeyPem, keyId } = await generateSigningKey();
 */
export async function generateSigningKey(): Promise<KeyPairPem> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  return { privateKeyPem: derToPem(pkcs8, "PRIVATE KEY"), publicKeyPem: derToPem(spki, "PUBLIC KEY"), keyId: await keyId(pair.publicKey) };
}

/**
 * Writes a new key pair: the private key to `path` (mode 0600), the public key to `path.pub`.
 *
 * @example
 * await writeSigningKey("registry-signing.key"); // + registry-signing.key.pub
 */
export async function writeSigningKey(path: string): Promise<KeyPairPem & { publicKeyPath: string }> {
  const pair = await generateSigningKey();
  await writeFile(path, pair.privateKeyPem, { mode: 0o600, flag: "wx" });
  await chmod(path, 0o600);
  await writeFile(`${path}.pub`, pair.publicKeyPem, { mode: 0o644 });
  return { ...pair, publicKeyPath: `${path}.pub` };
}

/**
 * A signer from a PKCS#8 PEM Ed25519 private key. The public key is derived from it (the JWK
 * export of a private key carries `x`).
 *
 * @example
 * const signer = await loadSigner(await Bun.file("registry-signing.key").text());
 * const sig = await signer.sign(manifest);
 */
export async function loadSigner(privateKeyPem: string): Promise<Signer> {
  const { pub } = await importEd25519PrivateKey(privateKeyPem);
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pub));
  const id = await keyId(pub);
  const signing = await crypto.subtle.importKey("pkcs8", pemToDer(privateKeyPem, "PRIVATE KEY"), { name: "Ed25519" }, false, ["sign"]);
  return {
    keyId: id,
    publicKeyPem: derToPem(spki, "PUBLIC KEY"),
    async sign(manifest) {
      const sig = await crypto.subtle.sign("Ed25519", signing, new TextEncoder().encode(canonicalJson(manifest)));
      return { alg: "ed25519", key_id: id, value: Buffer.from(sig).toString("base64") };
    },
  };
}
