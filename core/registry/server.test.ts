import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel } from "../../models/load.ts";
import { createRegistryClient } from "../../models/registry-protocol/client.ts";
import { installBundle } from "../../models/registry-protocol/install.ts";
import { importPublicKey } from "../../models/registry-protocol/signature.ts";
import { tokenFileName } from "./bootstrap.ts";
import { startRegistryServer, type RunningRegistry } from "./server.ts";
import { generateSigningKey } from "./signing/keys.ts";
import { trainedEnvelope } from "./testing/fixtures.ts";

const running: RunningRegistry[] = [];
afterAll(async () => {
  for (const r of running) await r.stop().catch(() => {});
});

async function start(dataDir: string, extra: Parameters<typeof startRegistryServer>[0] extends infer O ? Partial<O> : never = {}) {
  const r = await startRegistryServer({ dataDir, port: 0, ...extra });
  running.push(r);
  return r;
}

describe("registry server over real HTTP", () => {
  test("zero configuration: creates a publisher and an enrollment token in 0600 files (no shared agent token); a restart keeps them", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "reg-")), "data");
    const a = await start(dir);
    expect(a.tokens.map((t) => [t.role, t.source])).toEqual([
      ["publisher", "created"],
      ["enroll", "created"],
    ]);
    const pub = (await readFile(join(dir, tokenFileName("publisher")), "utf8")).trim();
    const agt = (await readFile(join(dir, tokenFileName("enroll")), "utf8")).trim();
    expect(agt).toMatch(/^enr_[A-Za-z0-9_-]{43}$/);
    expect(pub).toMatch(/^pub_[A-Za-z0-9_-]{43}$/);
    for (const f of ["publisher", "enroll"] as const) expect((await stat(join(dir, tokenFileName(f)))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const db = await readFile(join(dir, "registry.db"));
    expect(db.includes(Buffer.from(pub))).toBe(false);
    const health = await fetch(`${a.url}/healthz`);
    expect(health.status).toBe(200);
    await a.stop();
    running.pop();
    const b = await start(dir);
    expect(b.tokens.map((t) => t.source)).toEqual(["existing", "existing"]);
    expect((await createRegistryClient({ url: b.url, token: pub }).listModels()).models).toEqual([]);
    const asAgent = await createRegistryClient({ url: b.url, token: agt })
      .fleet()
      .catch((e) => e);
    expect(asAgent.status).toBe(403);
  });

  test("publish → point stable → an agent resolves, downloads (signed, verified), installs and scores with the bundle", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "reg-")), "data");
    const key = await generateSigningKey();
    const reg = await start(dir, { publisherTokens: ["pub_ops"], agentTokens: ["agt_fleet"], legacyAgentTokens: true, signingKeyPem: key.privateKeyPem });
    expect(reg.tokens.map((t) => t.source)).toEqual(["config", "created", "config"]);
    const ops = createRegistryClient({ url: reg.url, token: "pub_ops" });
    const published = await ops.publish(await trainedEnvelope("autoencoder", "host-ae", "7"));
    expect(published).toMatchObject({ created: true, signed: true });
    await ops.setChannel("host-ae", "stable", { version: "7" });

    const agent = createRegistryClient({ url: reg.url, token: "agt_fleet", publicKey: await importPublicKey(key.publicKeyPem) });
    const r = await agent.resolve("host-ae", "stable", "edge-01");
    if (r.status !== "ok") throw new Error("expected a resolution");
    expect(r.value.version).toBe("7");
    expect((await agent.resolve("host-ae", "stable", "edge-01", r.etag!)).status).toBe("not_modified");
    const d = await agent.download(r.value.model, r.value.version);
    if (d.status !== "ok") throw new Error("expected a bundle");
    expect((await agent.download("host-ae", "7", d.etag!)).status).toBe("not_modified");
    const target = join(dir, "..", "agent-models", "host-ae", "7");
    await installBundle(d.value, target);
    const model = await loadModel(target);
    const [scores] = await model.scoreSeries([Float64Array.from({ length: 100 }, (_, i) => 50 + Math.sin(i / 5))]);
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    model.dispose();

    const stranger = createRegistryClient({ url: reg.url, token: "agt_fleet", publicKey: await importPublicKey((await generateSigningKey()).publicKeyPem) });
    expect(((await stranger.download("host-ae", "7").catch((e) => e)) as { code: string }).code).toBe("bad_signature");
    const blob = join(dir, "blobs", "sha256");
    expect((await stat(blob)).isDirectory()).toBe(true);
  }, 60_000);

  test("an upload past the limit gets a JSON 413 with the reason, also when it is far past it", async () => {
    const reg = await start(join(await mkdtemp(join(tmpdir(), "reg-")), "data"), { publisherTokens: ["pub_ops"], maxBundleBytes: 1000 });
    const post = (body: string) => fetch(`${reg.url}/v1/models/x/versions`, { method: "POST", headers: { authorization: "Bearer pub_ops" }, body });
    const small = await post(JSON.stringify(await trainedEnvelope("autoencoder", "x", "1")));
    expect([small.status, ((await small.json()) as { error: string }).error]).toEqual([413, "too_large"]);
    const huge = await post("x".repeat(5_000_000));
    expect([huge.status, ((await huge.json()) as { reason: string }).reason]).toEqual([413, expect.stringContaining("bundle limit 1000 bytes")]);
  });
});
