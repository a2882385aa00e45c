/**
 * The updater's own identity against the real registry over HTTP: it enrolls by itself with an
 * enrollment token file, keeps the credential under data_dir (0600) and reuses it after a
 * restart; a revoked agent's heartbeats fail (counted), its running model stays.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRegistryServer, type RunningRegistry } from "../../core/registry/server.ts";
import { trainedEnvelope } from "../../core/registry/testing/fixtures.ts";
import { sendHeartbeat } from "./heartbeat.ts";
import { credentialPath } from "./identity.ts";
import { pollOnce } from "./poll.ts";
import { testUpdater } from "./testing/harness.ts";

const PUB = "pub_enroll-test";
const ENR = "enr_enroll-test";
let reg: RunningRegistry;
let root = "";
const paths: string[] = [];
const counting = (req: Request) => (paths.push(`${req.method} ${new URL(req.url).pathname}`), fetch(req));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "enroll-"));
  reg = await startRegistryServer({ dataDir: join(root, "data"), port: 0, publisherTokens: [PUB], enrollTokens: [ENR] });
  const call = (method: string, path: string, body: unknown) =>
    fetch(`${reg.url}${path}`, { method, headers: { authorization: `Bearer ${PUB}` }, body: JSON.stringify(body) });
  expect((await call("POST", "/v1/models/m/versions", await trainedEnvelope("robust-zscore", "m", "1"))).status).toBe(201);
  await call("PUT", "/v1/models/m/channels/stable", { version: "1" });
  await writeFile(join(root, "enroll.token"), `${ENR}\n`, { mode: 0o600 });
});
afterAll(() => reg.stop());

const agent = (dataDir?: string) =>
  testUpdater({ request: counting }, "edge-self", {
    dataDir,
    fetch: counting,
    registry: { url: reg.url, token: undefined, enrollTokenFile: join(root, "enroll.token") },
  });

test("the agent enrolls by itself, stores its credential 0600 under data_dir, and reuses it after a restart (no second enrollment)", async () => {
  const t = await agent();
  expect(await pollOnce(t.up)).toMatchObject({ result: "switched", version: "1" });
  t.rounds();
  await t.up.saved;
  expect(await sendHeartbeat(t.up)).toBe(true);
  const file = credentialPath(t.dataDir);
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  const saved = JSON.parse(await readFile(file, "utf8")) as { agent_id: string; credential: string };
  expect(saved.agent_id).toBe("edge-self");
  expect(saved.credential).toMatch(/^agc_[A-Za-z0-9_-]{43}$/);
  expect(paths.filter((p) => p === "POST /v1/enroll")).toHaveLength(1);
  const again = await agent(t.dataDir);
  expect(again.up.u.credential).toBe(saved.credential);
  expect(await sendHeartbeat(again.up)).toBe(true);
  expect(paths.filter((p) => p === "POST /v1/enroll")).toHaveLength(1);
  const fleet = (await (await fetch(`${reg.url}/v1/fleet`, { headers: { authorization: `Bearer ${PUB}` } })).json()) as { agents: { agent_id: string }[] };
  expect(fleet.agents.map((a) => a.agent_id)).toContain("edge-self");

  // Revoked: heartbeats and polls fail (counted, reason kept), the running model stays.
  expect((await fetch(`${reg.url}/v1/agents/edge-self/revoke`, { method: "POST", headers: { authorization: `Bearer ${PUB}` } })).status).toBe(200);
  expect(await sendHeartbeat(again.up)).toBe(false);
  expect(again.up.u.heartbeats).toMatchObject({ failed: 1, lastError: expect.stringContaining("403 revoked") });
  expect((await pollOnce(again.up)).result).toBe("error");
  expect(again.model().version).toBe("1");
});

test("enrollment failures are counted and retried: a wrong enrollment token file", async () => {
  const bad = join(root, "wrong.token");
  await writeFile(bad, "enr_wrong\n");
  const t = await testUpdater({ request: counting }, "edge-wrong", {
    fetch: counting,
    registry: { url: reg.url, token: undefined, enrollTokenFile: bad },
  });
  expect(await pollOnce(t.up)).toMatchObject({ result: "error", detail: "not enrolled yet" });
  expect(await sendHeartbeat(t.up)).toBe(false);
  expect(t.up.u.errorCounts.enroll_failed).toBe(2);
  expect(t.up.u.lastError?.message).toContain("401 unauthorized");
  await writeFile(bad, `${ENR}\n`);
  expect(await pollOnce(t.up)).toMatchObject({ result: "switched" });
});
