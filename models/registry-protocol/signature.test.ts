import { describe, expect, test } from "bun:test";
import { canonicalJson, derToPem, importPublicKey, keyId, manifestDigest, SignatureError, verifyManifestSignature } from "./signature.ts";

async function pair() {
  const kp = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
  const pem = derToPem(new Uint8Array(await crypto.subtle.exportKey("spki", kp.publicKey)), "PUBLIC KEY");
  const sign = async (m: unknown) => ({
    alg: "ed25519" as const,
    key_id: await keyId(kp.publicKey),
    value: Buffer.from(await crypto.subtle.sign("Ed25519", kp.privateKey, new TextEncoder().encode(canonicalJson(m)))).toString("base64"),
  });
  return { pem, sign };
}

describe("canonicalJson", () => {
  test("sorts keys at every level, drops undefined members, no whitespace", () => {
    expect(canonicalJson({ b: 1, a: [true, { d: null, c: "x", u: undefined }], é: 1.5 })).toBe('{"a":[true,{"c":"x","d":null}],"b":1,"é":1.5}');
  });
  test("key order does not change the digest; a value does", () => {
    expect(manifestDigest({ a: 1, b: [1, 2] })).toBe(manifestDigest({ b: [1, 2], a: 1 }));
    expect(manifestDigest({ a: 1, b: [1, 2] })).not.toBe(manifestDigest({ a: 1, b: [2, 1] }));
  });
  test("refuses non-finite numbers", () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(TypeError);
  });
});

describe("verifyManifestSignature (WebCrypto Ed25519)", () => {
  test("accepts a good signature whatever the key order of the received manifest", async () => {
    const { pem, sign } = await pair();
    const sig = await sign({ name: "m", files: [{ path: "a", sha256: "00" }] });
    await verifyManifestSignature({ files: [{ sha256: "00", path: "a" }], name: "m" }, sig, await importPublicKey(pem));
  });
  test("refuses unsigned, altered, wrong-key and garbage signatures", async () => {
    const a = await pair();
    const b = await pair();
    const key = await importPublicKey(a.pem);
    const m = { name: "m", version: "1" };
    const sig = await a.sign(m);
    await expect(verifyManifestSignature(m, undefined, key)).rejects.toThrow("not signed");
    await expect(verifyManifestSignature({ ...m, version: "2" }, sig, key)).rejects.toThrow("bad signature");
    await expect(verifyManifestSignature(m, await b.sign(m), key)).rejects.toThrow("expected key");
    await expect(verifyManifestSignature(m, { ...sig, value: "AAAA" }, key)).rejects.toBeInstanceOf(SignatureError);
  });
  test("importPublicKey refuses what is not an Ed25519 SPKI PEM", async () => {
    await expect(importPublicKey("hello")).rejects.toBeInstanceOf(SignatureError);
    await expect(importPublicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")).rejects.toBeInstanceOf(SignatureError);
  });
});
