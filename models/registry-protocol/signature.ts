/**
 * Manifest digests and Ed25519 signatures (WebCrypto, no native dependency).
 *
 * The signed bytes are the UTF-8 of {@link canonicalJson} of the manifest: object keys sorted
 * by code unit, no whitespace, numbers and strings as `JSON.stringify` writes them (the
 * RFC 8785 rules for the values a manifest holds). The manifest lists the sha256 of every
 * file, so the signature covers the whole bundle.
 */
import { sha256Hex } from "../format/bundle.ts";
import type { Signature } from "./protocol.ts";

/** Thrown by {@link verifyManifestSignature}: the bundle is unsigned or the signature is wrong. */
export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignatureError";
  }
}

/**
 * Deterministic JSON: keys sorted at every level, no whitespace, `undefined` members dropped.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, { d: null, c: "x" }] }); // '{"a":[true,{"c":"x","d":null}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError("canonicalJson: non-finite number");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(",")}}`;
}

/** sha256 (hex) of the canonical manifest JSON: the content address of a whole bundle. */
export function manifestDigest(manifest: unknown): string {
  return sha256Hex(new TextEncoder().encode(canonicalJson(manifest)));
}

/** DER bytes of the first PEM block labelled `label`. */
export function pemToDer(pem: string, label: string): Uint8Array<ArrayBuffer> {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!m) throw new SignatureError(`expected a PEM "${label}" block`);
  return new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ""), "base64"));
}

/** PEM text of DER bytes, 64 columns. */
export function derToPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/**
 * Imports an Ed25519 public key from SPKI PEM (`agent registry keygen` writes one; so does
 * `openssl pkey -pubout`).
 *
 * @example
 * const key = await importPublicKey(await Bun.file("registry-signing.pub").text());
 */
export async function importPublicKey(pem: string): Promise<CryptoKey> {
  try {
    return await crypto.subtle.importKey("spki", pemToDer(pem, "PUBLIC KEY"), { name: "Ed25519" }, true, ["verify"]);
  } catch (error) {
    if (error instanceof SignatureError) throw error;
    throw new SignatureError(`not an Ed25519 public key: ${(error as Error).message}`);
  }
}

/** First 16 hex digits of sha256 of the raw 32-byte public key. */
export async function keyId(publicKey: CryptoKey): Promise<string> {
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", publicKey));
  return sha256Hex(raw).slice(0, 16);
}

/**
 * Checks that `signature` is a valid Ed25519 signature of `manifest` by `publicKey`; throws
 * {@link SignatureError} when it is missing, made with another key, or does not verify.
 *
 * @example
 * await verifyManifestSignature(envelope.manifest, envelope.signature, key);
 */
export async function verifyManifestSignature(manifest: unknown, signature: Signature | undefined | null, publicKey: CryptoKey): Promise<void> {
  if (!signature) throw new SignatureError("bundle is not signed, and a signing key is required");
  const expected = await keyId(publicKey);
  if (signature.key_id !== expected) {
    throw new SignatureError(`bundle signed by key ${signature.key_id}, expected key ${expected}`);
  }
  const sig = Buffer.from(signature.value, "base64");
  const data = new TextEncoder().encode(canonicalJson(manifest));
  const ok = sig.byteLength === 64 && (await crypto.subtle.verify("Ed25519", publicKey, sig, data));
  if (!ok) throw new SignatureError("bad signature: the manifest was not signed by this key or was altered");
}

/**
 * A PKCS#8 PEM Ed25519 private key and its public key (derived: the JWK export of a private key
 * carries `x`). Throws {@link SignatureError} when the PEM is not an Ed25519 private key.
 */
export async function importEd25519PrivateKey(privateKeyPem: string): Promise<{ key: CryptoKey; pub: CryptoKey }> {
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("pkcs8", pemToDer(privateKeyPem, "PRIVATE KEY"), { name: "Ed25519" }, true, ["sign"]);
  } catch (error) {
    if (error instanceof SignatureError) throw error;
    throw new SignatureError(`not an Ed25519 private key: ${(error as Error).message}`);
  }
  const jwk = await crypto.subtle.exportKey("jwk", key);
  const pub = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, true, ["verify"]);
  return { key, pub };
}
