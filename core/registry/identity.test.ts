/**
 * Per-agent identities against the real registry over HTTP (`startRegistryServer`, SQLite on
 * disk): enrollment, identity-bound heartbeats and resolves, revocation, legacy shared tokens
 * only when enabled, and a canary quorum that counts enrolled identities.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Heartbeat } from "../../models/registry-protocol/heartbeat.ts";
import { createRegistryStore } from "./store/index.ts";
import { startRegistryServer, type RunningRegistry } from "./server.ts";
import { testRegistry, trainedEnvelope } from "./testing/fixtures.ts";

const PUB = "pub_identity";
const ENR = "enr_identity";
const AGT = "agt_identity-shared";
let reg: RunningRegistry;
let dataDir: string;

const call = (method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${reg.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });

const hb = (agent_id: string, over: Partial<Heartbeat> = {}): Heartbeat => ({
  agent_id,
  host: `host-${agent_id}`,
  agent_version: "0.1.0",
  model: { name: "m", version: "2" },
  uptime_s: 60,
  points_per_s: 100,
  anomaly_rate: 0.01,
  buffer_depth: 0,
  sinks: [],
  last_error: null,
  ...over,
});

async function enroll(agentId: string): Promise<string> {
  const res = await call("POST", "/v1/enroll", ENR, { agent_id: agentId });
  expect(res.status).toBe(201);
  return ((await res.json()) as { credential: string }).credential;
}

const canaryRollout = async () =>
  ((await (await call("GET", "/v1/models/m/channels", PUB)).json()) as { channels: { channel: string; rollout: number }[] }).channels.find(
    (c) => c.channel === "canary",
  )!.rollout;
const refused = async () => ((await (await call("GET", "/v1/fleet", PUB)).json()) as { refused: Record<string, number> }).refused;

beforeAll(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), "identity-")), "data");
  reg = await startRegistryServer({ dataDir, port: 0, publisherTokens: [PUB], enrollTokens: [ENR], agentTokens: [AGT], legacyAgentTokens: true });
  for (const v of ["1", "2"]) expect((await call("POST", "/v1/models/m/versions", PUB, await trainedEnvelope("robust-zscore", "m", v))).status).toBe(201);
  await call("PUT", "/v1/models/m/channels/stable", PUB, { version: "1" });
});
afterAll(() => reg.stop());

describe("enrollment", () => {
  test("an agent enrolls once and gets its own credential, stored only as sha256; a second enrollment of the id is 409", async () => {
    const cred = await enroll("edge-a");
    expect(cred).toMatch(/^agc_[A-Za-z0-9_-]{43}$/);
    const again = await call("POST", "/v1/enroll", ENR, { agent_id: "edge-a" });
    expect([again.status, ((await again.json()) as { error: string }).error]).toEqual([409, "already_enrolled"]);
    const db = await readFile(join(dataDir, "registry.db")).catch(() => Buffer.alloc(0));
    const wal = await readFile(join(dataDir, "registry.db-wal")).catch(() => Buffer.alloc(0));
    expect(db.includes(Buffer.from(cred)) || wal.includes(Buffer.from(cred))).toBe(false);
    expect((await call("POST", "/v1/heartbeat", cred, hb("edge-a"))).status).toBe(200);
  });

  test("hostile enrollments: oversized, malformed, a traversal id, the wrong token", async () => {
    const big = await call("POST", "/v1/enroll", ENR, JSON.stringify({ agent_id: "x", pad: "y".repeat(100_000) }));
    expect(big.status).toBe(413);
    expect((await call("POST", "/v1/enroll", ENR, "{not json")).status).toBe(400);
    expect((await call("POST", "/v1/enroll", ENR, { agent_id: "../etc" })).status).toBe(400);
    expect((await call("POST", "/v1/enroll", ENR, { agent_id: "ok", extra: 1 })).status).toBe(400);
    expect((await call("POST", "/v1/enroll", PUB, { agent_id: "p1" })).status).toBe(403);
    expect((await call("POST", "/v1/enroll", AGT, { agent_id: "p2" })).status).toBe(403);
    expect((await call("POST", "/v1/enroll", "enr_forged", { agent_id: "p3" })).status).toBe(401);
    // The enrollment token itself reaches nothing else.
    expect((await call("GET", "/v1/models/m/channels/stable/resolve?agent_id=p4", ENR)).status).toBe(403);
    expect((await call("POST", "/v1/heartbeat", ENR, hb("p4"))).status).toBe(403);
    expect(await refused()).toMatchObject({ enroll_too_large: 1, enroll_bad_json: 1, enroll_invalid_body: 2 });
  });
});

describe("identity-bound requests", () => {
  test("a spoofed heartbeat (another agent's id) is 403 identity_mismatch, counted, and leaves the victim's entry alone", async () => {
    const mallory = await enroll("mallory");
    const victim = await enroll("victim");
    expect((await call("POST", "/v1/heartbeat", victim, hb("victim", { last_error: null }))).status).toBe(200);
    const before = (await refused()).identity_mismatch ?? 0;
    const res = await call("POST", "/v1/heartbeat", mallory, hb("victim", { last_error: "pwned" }));
    expect(res.status).toBe(403);
    expect((await res.json()) as object).toMatchObject({ error: "identity_mismatch", reason: expect.stringContaining("belongs to agent mallory") });
    const resolve = await call("GET", "/v1/models/m/channels/stable/resolve?agent_id=victim", mallory);
    expect(resolve.status).toBe(403);
    expect((await refused()).identity_mismatch).toBe(before + 2);
    const fleet = (await (await call("GET", "/v1/fleet", PUB)).json()) as {
      agents: { agent_id: string; heartbeat: { host: string; last_error: string | null } }[];
    };
    expect(fleet.agents.find((a) => a.agent_id === "victim")?.heartbeat).toMatchObject({ host: "host-victim", last_error: null });
  });

  test("a forged credential is 401", async () => {
    const forged = `agc_${"A".repeat(43)}`;
    expect((await call("POST", "/v1/heartbeat", forged, hb("edge-a"))).status).toBe(401);
    expect((await call("GET", "/v1/models/m/channels/stable/resolve?agent_id=edge-a", forged)).status).toBe(401);
  });

  test("revocation: by the admin route and by another process on the data dir (agent registry revoke), effective at once; --forget lets the id enroll again", async () => {
    const a = await enroll("rev-a");
    const b = await enroll("rev-b");
    expect((await call("POST", "/v1/agents/rev-a/revoke", a, {})).status).toBe(403); // an agent cannot revoke
    expect((await call("POST", "/v1/agents/rev-a/revoke", PUB, {})).status).toBe(200);
    const after = await call("POST", "/v1/heartbeat", a, hb("rev-a"));
    expect([after.status, ((await after.json()) as { error: string }).error]).toEqual([403, "revoked"]);
    expect((await call("GET", "/v1/models/m/versions/1/bundle", a)).status).toBe(403);
    expect((await call("POST", "/v1/enroll", ENR, { agent_id: "rev-a" })).status).toBe(403);
    // What `agent registry revoke rev-b` does: another store on the same SQLite file.
    const other = createRegistryStore({ dataDir, existing: true, fleetFlushMs: 0 });
    try {
      expect(other.credentials.revoke("rev-b", new Date().toISOString(), "cli")).toBe(true);
    } finally {
      other.close();
    }
    expect((await call("POST", "/v1/heartbeat", b, hb("rev-b"))).status).toBe(403);
    expect((await call("POST", "/v1/agents/rev-a/revoke", PUB, { forget: true })).status).toBe(200);
    const fresh = await enroll("rev-a");
    expect(fresh).not.toBe(a);
    expect((await call("POST", "/v1/heartbeat", fresh, hb("rev-a"))).status).toBe(200);
    expect((await call("POST", "/v1/agents/nobody/revoke", PUB, {})).status).toBe(404);
  });
});

describe("the canary quorum counts enrolled identities", () => {
  test("one fake failure report does not roll the canary back (neither do made-up ids under the shared token); a quorum of enrolled agents does", async () => {
    await call("PUT", "/v1/models/m/channels/canary", PUB, { version: "2", rollout: 100 });
    const [a, b] = [await enroll("canary-a"), await enroll("canary-b")];
    for (const [id, cred] of [
      ["canary-a", a],
      ["canary-b", b],
    ] as const) {
      const r = await call("GET", `/v1/models/m/channels/stable/resolve?agent_id=${id}`, cred);
      expect(((await r.json()) as { version: string }).version).toBe("2");
    }
    const failing = (id: string) => hb(id, { load_failures: 3, target: { name: "m", version: "2" } });
    expect((await call("POST", "/v1/heartbeat", a, failing("canary-a"))).status).toBe(200);
    expect(await canaryRollout()).toBe(100);
    // The shared token holder resolves under made-up ids and reports failures: counted, ignored.
    for (const fake of ["fake-1", "fake-2", "fake-3"]) {
      await call("GET", `/v1/models/m/channels/stable/resolve?agent_id=${fake}`, AGT);
      expect((await call("POST", "/v1/heartbeat", AGT, failing(fake))).status).toBe(200);
    }
    expect(await canaryRollout()).toBe(100);
    expect((await refused()).failure_report_unenrolled).toBe(3);
    // The shared token speaking for an enrolled agent: refused outright.
    expect((await call("POST", "/v1/heartbeat", AGT, failing("canary-b"))).status).toBe(403);
    expect((await call("GET", "/v1/models/m/channels/stable/resolve?agent_id=canary-b", AGT)).status).toBe(403);
    expect(await canaryRollout()).toBe(100);
    // canary-a again: still one identity.
    await call("POST", "/v1/heartbeat", a, failing("canary-a"));
    expect(await canaryRollout()).toBe(100);
    expect((await call("POST", "/v1/heartbeat", b, failing("canary-b"))).status).toBe(200);
    expect(await canaryRollout()).toBe(0);
    const events = (await (await call("GET", "/v1/events?type=canary_rollback", PUB)).json()) as { events: { detail: { agents: string[] } }[] };
    expect(events.events[0].detail.agents.sort()).toEqual(["canary-a", "canary-b"]);
  });
});

test("migration: legacy agents that joined a canary cohort before enrollment began stop counting once an agent enrolls", async () => {
  const dir = join(await mkdtemp(join(tmpdir(), "identity-migrate-")), "data");
  const r = await startRegistryServer({
    dataDir: dir,
    port: 0,
    publisherTokens: [PUB],
    enrollTokens: [ENR],
    agentTokens: [AGT],
    legacyAgentTokens: true,
    canaryQuorum: 1,
  });
  const at = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${r.url}${path}`, { method, headers: { authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  try {
    for (const v of ["1", "2"]) await at("POST", "/v1/models/m/versions", PUB, await trainedEnvelope("robust-zscore", "m", v));
    await at("PUT", "/v1/models/m/channels/stable", PUB, { version: "1" });
    await at("PUT", "/v1/models/m/channels/canary", PUB, { version: "2", rollout: 100 });
    expect((await at("GET", "/v1/models/m/channels/stable/resolve?agent_id=old-1", AGT)).status).toBe(200);
    expect((await at("POST", "/v1/enroll", ENR, { agent_id: "new-1" })).status).toBe(201);
    expect((await at("POST", "/v1/heartbeat", AGT, hb("old-1", { load_failures: 1, target: { name: "m", version: "2" } }))).status).toBe(200);
    const channels = (await (await at("GET", "/v1/models/m/channels", PUB)).json()) as { channels: { channel: string; rollout: number }[] };
    expect(channels.channels.find((c) => c.channel === "canary")?.rollout).toBe(100);
  } finally {
    await r.stop();
  }
});

test("enrollments are bounded by --max-agents (429 enrollment_full, counted); forgetting an id makes room", async () => {
  const r = testRegistry({ fleet: { maxAgents: 2 } });
  r.store.tokens.add(ENR, "enroll", "test");
  const enrollAs = (id: string) => r.req("POST", "/v1/enroll", { token: ENR, body: { agent_id: id } });
  expect((await enrollAs("b1")).status).toBe(201);
  expect((await enrollAs("b2")).status).toBe(201);
  const full = await enrollAs("b3");
  expect([full.status, ((await full.json()) as { error: string }).error]).toEqual([429, "enrollment_full"]);
  expect((await enrollAs("b2")).status).toBe(409);
  expect((await r.req("POST", "/v1/agents/b1/revoke", { body: { forget: true } })).status).toBe(200);
  expect((await enrollAs("b3")).status).toBe(201);
});

describe("shared agent tokens", () => {
  test("refused unless the operator enables them (legacyAgentTokens), with a reason naming the way out", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "identity-strict-")), "data");
    const strict = await startRegistryServer({ dataDir: dir, port: 0, publisherTokens: [PUB], agentTokens: [AGT] });
    try {
      expect(strict.tokens.map((t) => [t.role, t.source])).toEqual([
        ["publisher", "config"],
        ["enroll", "created"],
        ["agent", "config"],
      ]);
      const res = await fetch(`${strict.url}/v1/models`, { headers: { authorization: `Bearer ${AGT}` } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { reason: string }).reason).toContain("--legacy-agent-tokens");
      const enrollToken = (await readFile(join(dir, "enroll.token"), "utf8")).trim();
      const e = await fetch(`${strict.url}/v1/enroll`, { method: "POST", headers: { authorization: `Bearer ${enrollToken}` }, body: '{"agent_id":"n1"}' });
      expect(e.status).toBe(201);
    } finally {
      await strict.stop();
    }
    expect((await call("GET", "/v1/models", AGT)).status).toBe(200);
  });
});
