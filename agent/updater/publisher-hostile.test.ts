/**
 * A registry that tampers (the scripted fake registry of `testing/fake-registry.ts`, a real HTTP
 * server): swapped bundle bytes with a self-consistent manifest, a signature moved from another
 * version, a forged rollback statement. An agent with publisher keys catches each, keeps its model.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateSigningKey } from "../../core/registry/signing/keys.ts";
import { sha256Hex } from "../../models/format/bundle.ts";
import { unpackEnvelope } from "../../models/registry-protocol/envelope.ts";
import type { BundleEnvelope } from "../../models/registry-protocol/protocol.ts";
import { publisherSigner, publishPayload, signRollback } from "../../models/registry-protocol/publisher.ts";
import { pollOnce } from "./poll.ts";
import { envelope, resolutionFor, startFakeRegistry, type FakeRegistry } from "./testing/fake-registry.ts";
import { testUpdater } from "./testing/harness.ts";

let reg: FakeRegistry;
let key: Awaited<ReturnType<typeof generateSigningKey>>;
beforeAll(async () => {
  reg = startFakeRegistry();
  key = await generateSigningKey();
});
afterAll(() => reg.stop());

async function signed(v: string, kind: "robust-zscore" | "autoencoder" = "robust-zscore"): Promise<BundleEnvelope> {
  const env = await envelope(v, kind);
  env.publisher_signature = await (await publisherSigner(key.privateKeyPem)).sign(publishPayload(unpackEnvelope(env).manifest));
  return env;
}

/** Serves `env` for resolve and download (the digest always consistent with what is served). */
function serve(env: BundleEnvelope, over: Record<string, unknown> = {}) {
  reg.resolve = () => resolutionFor(env, over);
  reg.bundle = () => env;
}

async function agentOn1() {
  const t = await testUpdater({ request: (req) => fetch(req) }, "edge-1", {
    fetch: (req) => fetch(req),
    registry: { url: reg.url, token: "agt_x", publisherKeys: [Buffer.from(key.publicKeyPem.replace(/-----[^-]+-----|\s/g, ""), "base64").toString("base64")] },
  });
  serve(await signed("1"));
  expect(await pollOnce(t.up)).toMatchObject({ result: "switched", version: "1" });
  t.rounds();
  await t.up.saved;
  return t;
}

describe("a tampering registry is caught by the publisher signature", () => {
  test("swapped bundle bytes with the manifest's sha256 rewritten to match (digest consistent): bad_signature, model kept", async () => {
    const t = await agentOn1();
    const env = await signed("2", "autoencoder");
    const files = (env.manifest as { files: { path: string; sha256: string; bytes: number }[] }).files;
    const f = files.find((x) => x.path === "weights.bin")!;
    const data = new Uint8Array(Buffer.from(env.files[f.path], "base64"));
    data[0] ^= 0x01;
    env.files[f.path] = Buffer.from(data).toString("base64");
    f.sha256 = sha256Hex(data);
    serve(env);
    const r = await pollOnce(t.up);
    expect(r).toMatchObject({ result: "load_failed", version: "2" });
    expect(r.detail).toContain("bad publisher signature");
    expect([t.model().version, t.up.u.errorCounts.bad_signature]).toEqual(["1", 1]);
  });

  test("a valid signature moved from another version, or stripped: refused", async () => {
    const t = await agentOn1();
    const three = await signed("3");
    three.publisher_signature = (await signed("2")).publisher_signature;
    serve(three);
    expect((await pollOnce(t.up)).detail).toContain("bad publisher signature");
    const four = await signed("4");
    delete four.publisher_signature;
    serve(four);
    expect((await pollOnce(t.up)).detail).toContain("not signed by a publisher");
    expect(t.model().version).toBe("1");
  });

  test("an older version with rollback: true and a forged or mis-addressed statement: refused, model kept", async () => {
    const t = await agentOn1();
    const zero = await signed("0");
    serve(zero, { rollback: true });
    expect((await pollOnce(t.up)).detail).toContain("no publisher-signed rollback statement");
    const rogue = await publisherSigner((await generateSigningKey()).privateKeyPem);
    serve(zero, { rollback: true, rollback_statement: await signRollback(rogue, { model: "m", from_version: "1", to_version: "0", counter: 5 }) });
    expect((await pollOnce(t.up)).detail).toContain("not one of the configured publisher keys");
    const ours = await publisherSigner(key.privateKeyPem);
    const good = await signRollback(ours, { model: "m", from_version: "1", to_version: "0", counter: 5 });
    serve(zero, { rollback_statement: { ...good, statement: { ...good.statement, counter: 6 } } });
    expect((await pollOnce(t.up)).detail).toContain("bad publisher signature");
    serve(zero, { rollback_statement: await signRollback(ours, { model: "m", from_version: "1", to_version: "7", counter: 5 }) });
    expect((await pollOnce(t.up)).detail).toContain("goes to 7");
    expect(t.model().version).toBe("1");
    serve(zero, { rollback_statement: good });
    expect(await pollOnce(t.up)).toMatchObject({ result: "switched", version: "0" });
  });
});
