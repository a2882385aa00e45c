/**
 * Publisher signatures and signed rollbacks, end to end against the real registry over HTTP
 * (`startRegistryServer`): `push-model --sign-key` → registry → an updater with
 * `publisher_keys` installs it; unsigned and foreign bundles are refused; today's rollback
 * bypass (a plain PUT of an older stable after a canary withdrawal) is refused; going back takes
 * a publisher-signed statement whose counter the agent remembers.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRegistryServer, type RunningRegistry } from "../../core/registry/server.ts";
import { generateSigningKey } from "../../core/registry/signing/keys.ts";
import { trainedBundle, trainedEnvelope } from "../../core/registry/testing/fixtures.ts";
import { writeBundle } from "../../models/format/bundle.ts";
import { unpackEnvelope } from "../../models/registry-protocol/envelope.ts";
import { publisherSigner, publishPayload } from "../../models/registry-protocol/publisher.ts";
import type { BundleEnvelope } from "../../models/registry-protocol/protocol.ts";
import { pushModel } from "../commands/push-model.ts";
import { postRollback } from "../commands/registry-identity.ts";
import { pollOnce } from "./poll.ts";
import { readModelState } from "./state.ts";
import { testUpdater } from "./testing/harness.ts";

const PUB = "pub_publisher-test";
const ENR = "enr_publisher-test";
let root = "";
const running: RunningRegistry[] = [];
let keyA: Awaited<ReturnType<typeof generateSigningKey>>;
let keyB: Awaited<ReturnType<typeof generateSigningKey>>;
let pubFileA = "";

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "publisher-"));
  [keyA, keyB] = [await generateSigningKey(), await generateSigningKey()];
  pubFileA = join(root, "publisher-a.pub");
  await writeFile(pubFileA, keyA.publicKeyPem);
});
afterAll(async () => {
  for (const r of running) await r.stop().catch(() => {});
});

async function registry() {
  const reg = await startRegistryServer({ dataDir: join(await mkdtemp(join(root, "reg-")), "data"), port: 0, publisherTokens: [PUB], enrollTokens: [ENR] });
  running.push(reg);
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${reg.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${PUB}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { reg, call };
}

/** The envelope of version `v` of model `m`, signed by `pem` when given (as push-model --sign-key does). */
async function envelope(v: string, pem?: string): Promise<BundleEnvelope> {
  const env = await trainedEnvelope("robust-zscore", "m", v);
  if (pem) env.publisher_signature = await (await publisherSigner(pem)).sign(publishPayload(unpackEnvelope(env).manifest));
  return env;
}

async function publish(call: Awaited<ReturnType<typeof registry>>["call"], v: string, pem?: string) {
  const res = await call("POST", "/v1/models/m/versions", await envelope(v, pem));
  expect(res.status).toBe(201);
  await Bun.sleep(3); // distinct published_at
}

/** An enrolled updater with publisher key A (file) and B (inline base64), following stable. */
function agent(url: string, agentId: string, o: { keys?: boolean; dataDir?: string } = {}) {
  const inlineB = Buffer.from(keyB.publicKeyPem.replace(/-----[^-]+-----|\s/g, ""), "base64").toString("base64");
  return testUpdater({ request: (req) => fetch(req) }, agentId, {
    dataDir: o.dataDir,
    fetch: (req) => fetch(req),
    registry: { url, token: undefined, enrollToken: ENR, ...(o.keys === false ? {} : { publisherKeys: [pubFileA, inlineB] }) },
  });
}

describe("a publisher-signed model, end to end", () => {
  test("push-model --sign-key → registry (which holds no private key) → the agent enrolls, verifies and installs it", async () => {
    const { reg, call } = await registry();
    const b = await trainedBundle("robust-zscore", "m", "1");
    const { files: _f, ...m } = b.manifest;
    const dir = join(root, "bundle-1");
    await writeBundle(
      dir,
      m,
      [...b.files].map(([path, data]) => ({ path, data })),
    );
    const keyFile = join(root, "publisher-a.key");
    await writeFile(keyFile, keyA.privateKeyPem, { mode: 0o600 });
    const pushed = await pushModel({ bundle: dir, registry: reg.url, token: PUB, channel: "stable", signKeyPem: await readFile(keyFile, "utf8") });
    expect(pushed.publisherKeyId).toBe(keyA.keyId);
    expect(pushed.published).toMatchObject({ created: true, publisher_signed: true, signed: false });
    expect(((await (await call("GET", "/v1/models/m/versions/1")).json()) as { publisher_key_id: string }).publisher_key_id).toBe(keyA.keyId);
    for (const f of await readdir(join(reg.store.db.filename, ".."))) {
      if (f.endsWith(".token") || f.startsWith("registry.db")) continue;
      expect(f).toBe("blobs"); // nothing else: no key material on the registry
    }
    const t = await agent(reg.url, "edge-e2e");
    expect(await pollOnce(t.up)).toMatchObject({ result: "switched", version: "1" });
    expect(t.lines.find((l) => l.msg === "model version downloaded and verified")).toMatchObject({ version: "1" });
  });
});

describe("refusals keep the running model", () => {
  test("an unsigned bundle, one signed by an unknown key: refused with a clear reason and counted; a rotated key (B) is accepted", async () => {
    const { reg, call } = await registry();
    await publish(call, "1", keyA.privateKeyPem);
    await publish(call, "2");
    await publish(call, "3", (await generateSigningKey()).privateKeyPem);
    await publish(call, "4", keyB.privateKeyPem);
    await call("PUT", "/v1/models/m/channels/stable", { version: "1" });
    const t = await agent(reg.url, "edge-refuse");
    expect(await pollOnce(t.up)).toMatchObject({ result: "switched", version: "1" });
    t.rounds();
    await call("PUT", "/v1/models/m/channels/stable", { version: "2" });
    const unsigned = await pollOnce(t.up);
    expect(unsigned).toMatchObject({ result: "load_failed", version: "2" });
    expect(unsigned.detail).toContain("not signed by a publisher");
    await call("PUT", "/v1/models/m/channels/stable", { version: "3" });
    const foreign = await pollOnce(t.up);
    expect(foreign.detail).toContain("not one of the configured publisher keys");
    expect([t.model().version, t.up.u.errorCounts.unsigned_bundle, t.up.u.errorCounts.bad_signature]).toEqual(["1", 1, 1]);
    await call("PUT", "/v1/models/m/channels/stable", { version: "4" });
    expect(await pollOnce(t.up)).toMatchObject({ result: "switched", version: "4" });
  });
});

/** Versions 1, 2, 3 signed by A; the agent accepted 2 (stable), then 3 (a 100 % canary). */
async function onCanary(keys: boolean) {
  const { reg, call } = await registry();
  for (const v of ["1", "2", "3"]) await publish(call, v, keyA.privateKeyPem);
  await call("PUT", "/v1/models/m/channels/stable", { version: "2" });
  const t = await agent(reg.url, `edge-${keys ? "keys" : "legacy"}`, { keys });
  expect(await pollOnce(t.up)).toMatchObject({ result: "switched", version: "2" });
  t.rounds();
  await call("PUT", "/v1/models/m/channels/canary", { version: "3", rollout: 100 });
  expect(await pollOnce(t.up)).toMatchObject({ result: "switched", version: "3" });
  t.rounds();
  await t.up.saved;
  return { reg, call, t };
}

describe("rollback only through an explicit, verifiable rollback", () => {
  test("today's bypass, reproduced: after a canary withdrawal a plain PUT of an older stable version is refused (no inherited rollback flag)", async () => {
    const { call, t } = await onCanary(false);
    await call("POST", "/v1/models/m/channels/canary/rollback");
    expect(await pollOnce(t.up)).toMatchObject({ result: "switched", version: "2", detail: "cohort stable, rollback" });
    t.rounds();
    await call("PUT", "/v1/models/m/channels/stable", { version: "1" });
    const r = await pollOnce(t.up);
    expect(r).toMatchObject({ result: "refused", version: "1" });
    expect(t.up.u.lastResolution?.rollback).toBe(false);
    expect(t.model().version).toBe("2");
  });

  test("with publisher keys the registry's flag is ignored: back only with a signed statement; replayed, forged or mis-addressed statements are refused", async () => {
    const { reg, call, t } = await onCanary(true);
    // The guard or an operator withdraws the canary without a statement: the agent stays on 3.
    await call("POST", "/v1/models/m/channels/canary/rollback");
    const bare = await pollOnce(t.up);
    expect(bare).toMatchObject({ result: "refused", version: "2" });
    expect(bare.detail).toContain("no publisher-signed rollback statement");
    // A statement signed by a key the agent does not trust.
    const rogue = (await generateSigningKey()).privateKeyPem;
    await postRollback({ registry: reg.url, token: PUB, model: "m", channel: "stable", from: "3", to: "2", counter: 10, signKeyPem: rogue });
    const forged = await pollOnce(t.up);
    expect([forged.result, forged.detail]).toEqual(["refused", expect.stringContaining("not one of the configured publisher keys")]);
    // Signed by A, but from a version this agent does not run.
    await postRollback({ registry: reg.url, token: PUB, model: "m", channel: "stable", from: "9", to: "2", counter: 11, signKeyPem: keyA.privateKeyPem });
    expect((await pollOnce(t.up)).detail).toContain("goes from 9; this agent accepted 3 last");
    // The real one: 3 → 2, counter 100.
    await postRollback({ registry: reg.url, token: PUB, model: "m", channel: "stable", from: "3", to: "2", counter: 100, signKeyPem: keyA.privateKeyPem });
    expect(await pollOnce(t.up)).toMatchObject({ result: "switched", version: "2" });
    t.rounds();
    await t.up.saved;
    expect((await readModelState(t.dataDir))?.rollback_counter).toBe(100);
    // A plain PUT of an older version (the flag no longer matters): refused.
    await call("PUT", "/v1/models/m/channels/stable", { version: "1" });
    expect((await pollOnce(t.up)).result).toBe("refused");
    // A replay: a statement 2 → 1 with a counter not above 100.
    await postRollback({ registry: reg.url, token: PUB, model: "m", channel: "stable", from: "2", to: "1", counter: 100, signKeyPem: keyA.privateKeyPem });
    const replay = await pollOnce(t.up);
    expect(replay.detail).toContain("a replay");
    expect([t.up.u.errorCounts.bad_rollback_statement, t.up.u.errorCounts.refused_older]).toEqual([3, 2]);
    // Remembered across a restart: a new updater on the same data dir refuses it too.
    const again = await agent(reg.url, "edge-keys", { dataDir: t.dataDir });
    expect(again.model().version).toBe("2");
    expect((await pollOnce(again.up)).detail).toContain("a replay");
    await postRollback({ registry: reg.url, token: PUB, model: "m", channel: "stable", from: "2", to: "1", counter: 101, signKeyPem: keyA.privateKeyPem });
    expect(await pollOnce(again.up)).toMatchObject({ result: "switched", version: "1" });
  });
});
