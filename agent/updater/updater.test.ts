import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bucketOf } from "../../core/registry/rollout.ts";
import { loadSigner, generateSigningKey } from "../../core/registry/signing/keys.ts";
import { buildHeartbeat, sendHeartbeat } from "./heartbeat.ts";
import { pollOnce } from "./poll.ts";
import { readModelState } from "./state.ts";
import { updaterStatus } from "./status.ts";
import { registryWith, testUpdater } from "./testing/harness.ts";

const inCanary = Array.from({ length: 200 }, (_, i) => `edge-${i}`).find((a) => bucketOf(a, "m") < 50)!;
const outside = Array.from({ length: 200 }, (_, i) => `edge-${i}`).find((a) => bucketOf(a, "m") >= 50)!;

describe("ModelUpdater against an in-process registry", () => {
  test("fallback first; v1 from stable is switched in, accepted after its probation rounds and remembered", async () => {
    const r = await registryWith(["1", "2"]);
    const t = await testUpdater(r.app, outside);
    expect([t.model().name, t.up.u.source]).toEqual(["online:default", "online"]);
    expect((await pollOnce(t.up)).result).toBe("error");
    await r.req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
    expect(await pollOnce(t.up)).toMatchObject({ result: "switched", version: "1" });
    expect([t.model().version, t.up.u.source, t.swaps[0]]).toEqual(["1", "registry", { from: "3", to: "1", keep: false }]);
    expect(updaterStatus(t.up)).toMatchObject({ probation: { version: "1" }, accepted: null });
    expect((await pollOnce(t.up)).result).toBe("not_modified");
    t.rounds();
    await t.up.saved;
    expect((await readModelState(t.dataDir))?.current?.version).toBe("1");
    expect(readdirSync(join(t.dataDir, "models/m"))).toEqual(["1"]);
  });

  test("canary at 50 %: only the agent in the bucket switches (state kept: same features); a canary rollback brings it back from disk", async () => {
    const r = await registryWith(["1", "2"]);
    await r.req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
    const a = await testUpdater(r.app, inCanary);
    const b = await testUpdater(r.app, outside);
    for (const t of [a, b]) {
      await pollOnce(t.up);
      t.rounds();
    }
    await r.req("PUT", "/v1/models/m/channels/canary", { body: { version: "2", rollout: 50 } });
    expect(await pollOnce(a.up)).toMatchObject({ result: "switched", version: "2", detail: "cohort canary" });
    expect((await pollOnce(b.up)).result).toBe("not_modified");
    expect(a.swaps[1]).toEqual({ from: "1", to: "2", keep: true });
    a.rounds();
    await a.up.saved;
    await r.req("POST", "/v1/models/m/channels/canary/rollback");
    const fetched: string[] = [];
    const spy = await testUpdater(r.app, inCanary, { dataDir: a.dataDir, fetch: async (req) => (fetched.push(new URL(req.url).pathname), r.app.request(req)) });
    expect(spy.model().version).toBe("2");
    expect(await pollOnce(spy.up)).toMatchObject({ result: "switched", version: "1", detail: "cohort stable, rollback" });
    expect(fetched.some((p) => p.endsWith("/bundle"))).toBe(false);
    expect(updaterStatus(spy.up)).toMatchObject({ resolved: { version: "1", rollback: true } });
  });

  test("an older version without a declared rollback is refused, counted and not retried while the answer stays", async () => {
    const r = await registryWith(["1", "2"]);
    await r.req("PUT", "/v1/models/m/channels/stable", { body: { version: "2" } });
    const t = await testUpdater(r.app, outside);
    await pollOnce(t.up);
    t.rounds();
    await t.up.saved;
    await r.req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
    const refused = await pollOnce(t.up);
    expect(refused).toMatchObject({ result: "refused", version: "1" });
    expect(refused.detail).toContain("registry declared no rollback");
    expect((await pollOnce(t.up)).result).toBe("not_modified");
    expect(t.model().version).toBe("2");
    expect(await t.telemetry.registry.getSingleMetricAsString("agent_component_errors_total")).toContain('component="updater",error_type="refused_older"} 1');
    expect(buildHeartbeat(t.up)).toMatchObject({ model: { version: "2" }, target: { name: "m", version: "1" }, load_failures: 0 });
    await r.req("POST", "/v1/models/m/channels/stable/rollback", { body: { version: "1" } });
    expect(await pollOnce(t.up)).toMatchObject({ result: "switched", version: "1" });
  });

  test("signatures: a bundle signed by another key, or unsigned, is refused with its reason when a public key is set", async () => {
    const theirs = await generateSigningKey();
    const ours = await generateSigningKey();
    const signed = await registryWith(["1"], { signer: await loadSigner(theirs.privateKeyPem) });
    await signed.req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
    const t = await testUpdater(signed.app, outside);
    const keyFile = join(t.dataDir, "reg.pub");
    writeFileSync(keyFile, ours.publicKeyPem);
    const strict = await testUpdater(signed.app, outside, { dataDir: t.dataDir, registry: { publicKey: keyFile } });
    const bad = await pollOnce(strict.up);
    expect(bad).toMatchObject({ result: "load_failed", version: "1" });
    expect(bad.detail).toContain(`signed by key ${theirs.keyId}`);
    expect(buildHeartbeat(strict.up)).toMatchObject({ model: { name: "online:default" }, target: { version: "1" }, load_failures: 1 });
    expect(existsSync(join(t.dataDir, "models/m/1"))).toBe(false);
    writeFileSync(keyFile, theirs.publicKeyPem);
    const good = await testUpdater(signed.app, outside, { dataDir: t.dataDir, registry: { publicKey: keyFile } });
    expect((await pollOnce(good.up)).result).toBe("switched");
    const unsigned = await registryWith(["1"]);
    await unsigned.req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
    const u = await testUpdater(unsigned.app, outside, { registry: { publicKey: keyFile } });
    expect((await pollOnce(u.up)).detail).toContain("bundle is not signed");
  });

  test("a model failing in its first rounds: back to the previous model, reported as a load failure of the target, never retried", async () => {
    const r = await registryWith(["1", "2"], { canaryQuorum: 1 }); // one agent's report rolls the canary back
    await r.req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
    const t = await testUpdater(r.app, inCanary);
    await pollOnce(t.up);
    t.rounds();
    await r.req("PUT", "/v1/models/m/channels/canary", { body: { version: "2", rollout: 50 } });
    await pollOnce(t.up);
    const v2 = t.model();
    const back = t.up.onModelFailure({ model: v2, kind: "non_finite", error: new Error("score NaN"), roundsSinceSwap: 1 });
    expect(back?.version).toBe("1");
    await t.host.swap(back!, {});
    expect(updaterStatus(t.up)).toMatchObject({
      target: "2",
      load_failures: 1,
      rejected: [{ version: "2", reason: "non-finite score in round 2: score NaN" }],
    });
    expect(t.up.u.source).toBe("registry");
    expect((await pollOnce(t.up)).result).toBe("not_modified");
    expect(await sendHeartbeat(t.up)).toBe(true);
    const canary = (await (await r.req("GET", "/v1/models/m/channels")).json()) as { channels: { channel: string; rollout: number }[] };
    expect(canary.channels.find((c) => c.channel === "canary")?.rollout).toBe(0);
    const fleet = (await (await r.req("GET", "/v1/fleet")).json()) as { agents: { agent_id: string; heartbeat: Record<string, unknown> }[] };
    expect(fleet.agents[0].heartbeat).toMatchObject({
      agent_id: inCanary,
      model: { name: "m", version: "1" },
      target: { version: "2" },
      load_failures: 1,
      buffer_depth: 3,
      sinks: [{ id: "file", state: "ok" }],
    });
    expect(t.up.onModelFailure({ model: t.model(), kind: "exception", error: new Error("x"), roundsSinceSwap: 40 })).toBeUndefined();
    expect(buildHeartbeat(t.up)).toMatchObject({ model: { version: "1" }, scoring_failures: 1 });
  });

  test("registry down at start: the last good model from state.json, said in the log and the status", async () => {
    const r = await registryWith(["1"]);
    await r.req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
    const t = await testUpdater(r.app, outside);
    await pollOnce(t.up);
    t.rounds();
    await t.up.saved;
    const down = await testUpdater(r.app, outside, {
      dataDir: t.dataDir,
      fetch: async () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:1");
      },
    });
    expect([down.model().name, down.model().version, down.up.u.source]).toEqual(["m", "1", "registry"]);
    expect(down.lines.some((l) => l.msg === "starting on the last good registry model (from models/state.json)")).toBe(true);
    expect(await pollOnce(down.up)).toMatchObject({ result: "error" });
    expect(updaterStatus(down.up)).toMatchObject({ started_from: "state.json", last_poll: { result: "error" }, accepted: "1" });
    expect(down.lines.find((l) => String(l.msg).startsWith("registry poll failed"))?.msg).toBe("registry poll failed; running m@1 (last good registry model)");
    expect(await sendHeartbeat(down.up)).toBe(false);
    expect(await down.telemetry.registry.getSingleMetricAsString("agent_component_errors_total")).toContain('error_type="heartbeat_failed"} 1');
  });
});
