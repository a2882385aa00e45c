/**
 * Hostile agents: whatever an agent token holder sends to `/v1/heartbeat` (and `resolve`), the
 * canary survives unless a quorum of distinct agents that really resolved it report failures,
 * other agents' identities stay theirs, and the fleet stays bounded.
 */
import { describe, expect, test } from "bun:test";
import type { FleetView, Heartbeat } from "../../models/registry-protocol/heartbeat.ts";
import type { Resolution } from "../../models/registry-protocol/protocol.ts";
import { bucketOf } from "./rollout.ts";
import { AGT, testRegistry, trainedEnvelope } from "./testing/fixtures.ts";

const hb = (over: Partial<Heartbeat> = {}): Heartbeat => ({
  agent_id: "edge-01",
  host: "h1",
  agent_version: "0.1.0",
  model: { name: "m", version: "1" },
  uptime_s: 60,
  points_per_s: 100,
  anomaly_rate: 0.01,
  buffer_depth: 0,
  sinks: [{ id: "kafka", state: "ok" }],
  last_error: null,
  ...over,
});

/** Agent ids whose bucket puts them inside (or outside) a 50 % canary of model `m`. */
const ids = (inside: boolean, n: number, prefix = "a") => {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) if (bucketOf(`${prefix}${i}`, "m") < 50 === inside) out.push(`${prefix}${i}`);
  return out;
};

async function canaryRegistry(options: Parameters<typeof testRegistry>[0] = {}) {
  let now = Date.parse("2026-05-01T00:00:00Z");
  const r = testRegistry({ now: () => now, ...options });
  for (const v of ["1", "2"]) await r.req("POST", "/v1/models/m/versions", { body: await trainedEnvelope("robust-zscore", "m", v) });
  await r.req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
  await r.req("PUT", "/v1/models/m/channels/canary", { body: { version: "2", rollout: 50 } });
  const resolve = async (agentId: string) =>
    (await (await r.req("GET", `/v1/models/m/channels/stable/resolve?agent_id=${agentId}`, { token: AGT })).json()) as Resolution;
  const canary = async () =>
    ((await (await r.req("GET", "/v1/models/m/channels")).json()) as { channels: { channel: string; rollout: number }[] }).channels.find(
      (c) => c.channel === "canary",
    )!.rollout;
  return { ...r, resolve, canary, advance: (s: number) => (now += s * 1000) };
}

const failing = (agent_id: string): Heartbeat =>
  hb({ agent_id, host: `${agent_id}.example`, target: { name: "m", version: "2" }, load_failures: 1, last_error: "cannot load" });

describe("SEVERE: forged failure reports do not roll a canary back", () => {
  test("a made-up agent id that never resolved the canary reports a load failure: the canary survives and nobody is told to roll back", async () => {
    const r = await canaryRegistry();
    const [forged] = ids(true, 1, "forged-");
    const res = await r.req("POST", "/v1/heartbeat", { body: failing(forged), token: AGT });
    expect(res.status).toBe(200);
    expect(await r.canary()).toBe(50);
    for (const id of ids(true, 5, "real-")) {
      const v = await r.resolve(id);
      expect([v.version, v.rollback]).toEqual(["2", false]);
    }
  });

  test("one in-cohort agent alone is below the quorum (default 2): the canary survives", async () => {
    const r = await canaryRegistry();
    const [a] = ids(true, 1, "c-");
    expect((await r.resolve(a)).version).toBe("2");
    await r.req("POST", "/v1/heartbeat", { body: failing(a), token: AGT });
    await r.req("POST", "/v1/heartbeat", { body: failing(a), token: AGT });
    expect(await r.canary()).toBe(50);
  });

  test("a quorum of distinct agents that resolved the canary does roll it back, and everyone is told rollback: true", async () => {
    const r = await canaryRegistry();
    const [a, b] = ids(true, 2, "c-");
    for (const id of [a, b]) expect((await r.resolve(id)).version).toBe("2");
    await r.req("POST", "/v1/heartbeat", { body: failing(a), token: AGT });
    expect(await r.canary()).toBe(50);
    await r.req("POST", "/v1/heartbeat", { body: failing(b), token: AGT });
    expect(await r.canary()).toBe(0);
    const v = await r.resolve(a);
    expect([v.version, v.rollback]).toEqual(["1", true]);
    // The operator sets the canary again: the old reports are forgotten, a fresh quorum is needed.
    await r.req("PUT", "/v1/models/m/channels/canary", { body: { version: "2", rollout: 50 } });
    for (const id of [a, b]) await r.resolve(id);
    await r.req("POST", "/v1/heartbeat", { body: failing(a), token: AGT });
    expect(await r.canary()).toBe(50);
  });
});

describe("SEVERE: one agent cannot rewrite another's fleet entry or stay ok for days", () => {
  test("a heartbeat claiming another live agent's id from another host is refused (409) and the entry keeps its host", async () => {
    const r = await canaryRegistry();
    expect((await r.req("POST", "/v1/heartbeat", { body: hb({ agent_id: "edge-01", host: "h1" }), token: AGT })).status).toBe(200);
    const res = await r.req("POST", "/v1/heartbeat", { body: hb({ agent_id: "edge-01", host: "evil", last_error: "pwned" }), token: AGT });
    expect(res.status).toBe(409);
    const view = (await (await r.req("GET", "/v1/fleet")).json()) as FleetView;
    expect(view.agents.map((a) => [a.agent_id, a.heartbeat.host, a.heartbeat.last_error])).toEqual([["edge-01", "h1", null]]);
  });

  test("interval_s 86400 is clamped to the bound (1 h): a silent agent turns stale within hours, not days", async () => {
    const r = await canaryRegistry();
    const ack = (await (await r.req("POST", "/v1/heartbeat", { body: hb({ interval_s: 86_400 }), token: AGT })).json()) as { interval_s: number };
    expect(ack.interval_s).toBe(3600);
    r.advance(4 * 3600);
    const view = (await (await r.req("GET", "/v1/fleet")).json()) as FleetView;
    expect(view.agents[0].status).toBe("stale");
  });
});

describe("giant and control-character fields", () => {
  test("giant fields are refused (422 naming the field, 413 past 64 KiB) with one-line reasons; the fleet stays empty", async () => {
    const r = await canaryRegistry();
    const cases: [Partial<Heartbeat>, number, string][] = [
      [{ host: "h".repeat(10_000) }, 422, "host"],
      [{ agent_id: "a".repeat(65) }, 422, "agent_id"],
      [{ last_error: "e".repeat(2001) }, 422, "last_error"],
      [{ sinks: Array.from({ length: 65 }, (_, i) => ({ id: `s${i}`, state: "ok" })) }, 422, "sinks"],
      [{ model: { name: "m", version: "v".repeat(65) } }, 422, "model.version"],
      [{ last_error: "e".repeat(1_000_000) }, 413, "larger than"],
    ];
    for (const [over, status, field] of cases) {
      const res = await r.req("POST", "/v1/heartbeat", { body: hb({ agent_id: "giant", ...over }), token: AGT });
      const body = (await res.json()) as { reason: string };
      expect([res.status, body.reason]).toEqual([status, expect.stringContaining(field)]);
      expect(body.reason).not.toContain("\n");
    }
    const view = (await (await r.req("GET", "/v1/fleet")).json()) as FleetView;
    expect(view.counts.total).toBe(0);
    expect(view.refused).toMatchObject({ invalid_heartbeat: 5, too_large: 1 });
  });
});

describe("fleet flood: 20 000 made-up agent ids", () => {
  test("entries stay at the cap (newcomers 429 while all are live), /v1/fleet stays one bounded page; stale entries make room", async () => {
    const r = await canaryRegistry({ fleet: { maxAgents: 5000 } });
    const before = process.memoryUsage().rss;
    const statuses = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const res = await r.req("POST", "/v1/heartbeat", {
        body: hb({ agent_id: `flood-${i}`, host: `flood-${i}.example`, last_error: "x".repeat(500) }),
        token: AGT,
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: 5000, 429: 15_000 });
    expect(r.store.fleet.size).toBe(5000);
    const res = await r.req("GET", "/v1/fleet");
    const bytes = (await res.clone().arrayBuffer()).byteLength;
    const view = (await res.json()) as FleetView;
    expect([view.counts.total, view.agents.length, view.next_cursor]).toEqual([5000, 100, view.agents[99].agent_id]);
    expect(bytes).toBeLessThan(200_000);
    const page = await (await r.req("GET", "/fleet")).text();
    expect(page.length).toBeLessThan(400_000);
    const grownMiB = (process.memoryUsage().rss - before) / 2 ** 20;
    console.log(
      `flood: 20000 ids → ${r.store.fleet.size} entries, /v1/fleet ${bytes} bytes, /fleet page ${page.length} chars, RSS +${grownMiB.toFixed(0)} MiB`,
    );
    expect(grownMiB).toBeLessThan(400); // generous: bounded, not the 1.7 GB of the unbounded fleet
    // A real agent already in the fleet keeps reporting; once the flood goes stale, newcomers get in.
    expect((await r.req("POST", "/v1/heartbeat", { body: hb({ agent_id: "flood-1", host: "flood-1.example" }), token: AGT })).status).toBe(200);
    r.advance(31);
    expect((await r.req("POST", "/v1/heartbeat", { body: hb({ agent_id: "real-new", host: "real" }), token: AGT })).status).toBe(200);
    expect(r.store.fleet.size).toBe(5000);
  }, 120_000);

  test("paging: limit/cursor walk every agent exactly once", async () => {
    const r = await canaryRegistry();
    for (let i = 0; i < 250; i++)
      await r.req("POST", "/v1/heartbeat", { body: hb({ agent_id: `p-${String(i).padStart(3, "0")}`, host: `p${i}` }), token: AGT });
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const q: string = `/v1/fleet?limit=60${cursor ? `&cursor=${cursor}` : ""}`;
      const v = (await (await r.req("GET", q)).json()) as FleetView;
      seen.push(...v.agents.map((a) => a.agent_id));
      cursor = v.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect((await r.req("GET", "/v1/fleet?limit=5000")).status).toBe(400);
    expect((await r.req("GET", "/v1/fleet?cursor=../x")).status).toBe(400);
  });
});
