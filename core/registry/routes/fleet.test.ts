import { describe, expect, test } from "bun:test";
import type { FleetView, Heartbeat } from "../../../models/registry-protocol/heartbeat.ts";
import type { RegistryEvent, Resolution } from "../../../models/registry-protocol/protocol.ts";
import { renderFleetBody } from "../fleet/render.ts";
import { AGT, PUB, testRegistry, trainedEnvelope } from "../testing/fixtures.ts";

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

function clocked() {
  let now = Date.parse("2026-05-01T00:00:00Z");
  const r = testRegistry({ now: () => now });
  return { ...r, advance: (s: number) => (now += s * 1000) };
}

async function canaryRegistry(canaryQuorum = 1) {
  let now = Date.parse("2026-05-01T00:00:00Z");
  const r = { ...testRegistry({ now: () => now, canaryQuorum }), advance: (s: number) => (now += s * 1000) };
  for (const v of ["1", "2"]) await r.req("POST", "/v1/models/m/versions", { body: await trainedEnvelope("robust-zscore", "m", v) });
  await r.req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
  await r.req("PUT", "/v1/models/m/channels/canary", { body: { version: "2", rollout: 50 } });
  // The guard counts only agents it saw resolve the canary: c1 and c2 follow the canary channel.
  for (const id of ["c1", "c2"]) await r.req("GET", `/v1/models/m/channels/canary/resolve?agent_id=${id}`, { token: AGT });
  return r;
}

const fleet = async (req: ReturnType<typeof testRegistry>["req"], q = "") => (await (await req("GET", `/v1/fleet${q}`)).json()) as FleetView;

describe("heartbeats and the fleet view", () => {
  test("heartbeats need a token and a valid body; the fleet needs a publisher token", async () => {
    const { req } = clocked();
    expect((await req("POST", "/v1/heartbeat", { body: hb(), token: AGT })).status).toBe(200);
    expect((await req("POST", "/v1/heartbeat", { body: hb(), token: null })).status).toBe(401);
    const bad = await req("POST", "/v1/heartbeat", { body: hb({ anomaly_rate: 3 }), token: AGT });
    expect([bad.status, ((await bad.json()) as { reason: string }).reason]).toEqual([422, expect.stringContaining("anomaly_rate")]);
    expect((await req("POST", "/v1/heartbeat", { body: hb({ agent_id: "../x" }), token: AGT })).status).toBe(422);
    expect((await req("POST", "/v1/heartbeat", { body: "{not json", token: AGT })).status).toBe(400);
    expect((await req("GET", "/v1/fleet", { token: AGT })).status).toBe(403);
    expect((await req("GET", "/v1/fleet?status=gone")).status).toBe(400);
  });

  test("agents turn stale after 3 missed intervals and offline after 10; filters by status and model version", async () => {
    const { req, advance } = clocked();
    await req("POST", "/v1/heartbeat", { body: hb({ agent_id: "a", interval_s: 10 }), token: AGT });
    await req("POST", "/v1/heartbeat", { body: hb({ agent_id: "b", host: "h2", model: { name: "m", version: "2" }, anomaly_rate: 0.05 }), token: AGT });
    advance(31);
    await req("POST", "/v1/heartbeat", { body: hb({ agent_id: "c", interval_s: 10 }), token: AGT });
    let v = await fleet(req);
    expect(v.agents.map((a) => [a.agent_id, a.status])).toEqual([
      ["a", "stale"],
      ["b", "stale"],
      ["c", "ok"],
    ]);
    advance(70);
    v = await fleet(req);
    expect(v.counts).toEqual({ total: 3, ok: 0, stale: 1, offline: 2 });
    expect((await fleet(req, "?status=stale")).agents.map((a) => a.agent_id)).toEqual(["c"]);
    expect((await fleet(req, "?model_version=m@2")).agents.map((a) => a.agent_id)).toEqual(["b"]);
    expect((await fleet(req, "?model_version=1")).counts.total).toBe(2);
  });

  test("versions and hosts aggregate anomaly rate, latency and failures over live agents", async () => {
    const { req } = clocked();
    await req("POST", "/v1/heartbeat", { body: hb({ agent_id: "a", anomaly_rate: 0.01, scoring_latency_ms_p99: 4 }), token: AGT });
    await req("POST", "/v1/heartbeat", { body: hb({ agent_id: "b", anomaly_rate: 0.03, scoring_latency_ms_p99: 9 }), token: AGT });
    await req("POST", "/v1/heartbeat", { body: hb({ agent_id: "c", host: "h2", model: { name: "m", version: "2" }, anomaly_rate: 0.2 }), token: AGT });
    const v = await fleet(req);
    expect(v.versions).toEqual([
      { model: "m", version: "1", agents: 2, anomaly_rate_mean: 0.02, scoring_latency_ms_p99_max: 9, load_failures: 0, scoring_failures: 0 },
      { model: "m", version: "2", agents: 1, anomaly_rate_mean: 0.2, scoring_latency_ms_p99_max: null, load_failures: 0, scoring_failures: 0 },
    ]);
    expect(v.hosts).toEqual([
      { host: "h1", agents: 2, anomaly_rate_mean: 0.02 },
      { host: "h2", agents: 1, anomaly_rate_mean: 0.2 },
    ]);
  });
});

describe("canary guard", () => {
  test("scoring failures on the canary version roll it back at once, with an event; everyone resolves stable again", async () => {
    const { req } = await canaryRegistry();
    await req("POST", "/v1/heartbeat", { body: hb({ agent_id: "s1" }), token: AGT });
    await req("POST", "/v1/heartbeat", { body: hb({ agent_id: "c1", model: { name: "m", version: "2" }, anomaly_rate: 0.2 }), token: AGT });
    let v = await fleet(req);
    expect(v.canaries[0]).toMatchObject({ model: "m", verdict: "ok", canary: { version: "2", rollout: 50 }, stable: { version: "1" } });
    expect(v.canaries[0].canary.stats?.anomaly_rate_mean).toBe(0.2);
    await req("POST", "/v1/heartbeat", {
      body: hb({ agent_id: "c1", model: { name: "m", version: "2" }, scoring_failures: 3, last_error: "NaN score" }),
      token: AGT,
    });
    v = await fleet(req);
    expect(v.canaries[0]).toMatchObject({ verdict: "failing", canary: { rollout: 0 } });
    const events = ((await (await req("GET", "/v1/events?type=canary_rollback")).json()) as { events: RegistryEvent[] }).events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      model: "m",
      version: "2",
      channel: "canary",
      actor: "canary-guard",
      detail: { agent_id: "c1", agents: ["c1"], quorum: 1, scoring_failures: 3 },
    });
    for (let i = 0; i < 50; i++) {
      expect(((await (await req("GET", `/v1/models/m/channels/stable/resolve?agent_id=a${i}`, { token: AGT })).json()) as Resolution).version).toBe("1");
    }
  });

  test("load failures count against the target version an agent could not load", async () => {
    const { req } = await canaryRegistry();
    await req("POST", "/v1/heartbeat", {
      body: hb({ agent_id: "c2", target: { name: "m", version: "2" }, load_failures: 1, last_error: "cannot load" }),
      token: AGT,
    });
    expect((await fleet(req)).canaries[0].canary.rollout).toBe(0);
  });

  test("failures of the stable version do not touch the canary; the guard can be turned off", async () => {
    const { req } = await canaryRegistry();
    await req("POST", "/v1/heartbeat", { body: hb({ agent_id: "s1", scoring_failures: 5 }), token: AGT });
    expect((await fleet(req)).canaries[0].canary.rollout).toBe(50);
    const off = testRegistry({ canaryGuard: false, canaryQuorum: 1 });
    for (const v of ["1", "2"]) await off.req("POST", "/v1/models/m/versions", { body: await trainedEnvelope("robust-zscore", "m", v) });
    await off.req("PUT", "/v1/models/m/channels/canary", { body: { version: "2", rollout: 50 } });
    await off.req("GET", "/v1/models/m/channels/canary/resolve?agent_id=edge-01", { token: AGT });
    await off.req("POST", "/v1/heartbeat", { body: hb({ model: { name: "m", version: "2" }, scoring_failures: 1 }), token: AGT });
    expect((await fleet(off.req)).canaries[0]).toMatchObject({ verdict: "failing", canary: { rollout: 50 } });
  });
});

describe("/fleet page", () => {
  test("asks a browser for the token (Basic), then renders the fleet with a nonce'd inline refresh script and no external assets", async () => {
    const { req } = await canaryRegistry();
    expect((await req("POST", "/v1/heartbeat", { body: hb({ host: "h<b>&1", last_error: "<script>alert(1)</script>" }), token: AGT })).status).toBe(200);
    const anon = await req("GET", "/fleet", { token: null });
    expect([anon.status, anon.headers.get("www-authenticate")]).toEqual([401, 'Basic realm="agent-registry"']);
    const basic = `Basic ${Buffer.from(`ops:${PUB}`).toString("base64")}`;
    const page = await req("GET", "/fleet", { token: null, headers: { authorization: basic } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const nonce = /<script nonce="([^"]+)">/.exec(html)?.[1];
    expect(page.headers.get("content-security-policy")).toContain(`'nonce-${nonce}'`);
    expect(html).toContain("h&#60;b&#62;&#38;1");
    expect(html).toContain("&#60;script&#62;alert(1)");
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("Canary vs stable");
    expect(html).toContain('fetch("/v1/fleet"');
    expect(html).not.toMatch(/<(link|img)\b|src="http/);
  });

  test("the renderer embedded in the page is self-contained and renders what the server renders", async () => {
    const { req } = await canaryRegistry();
    await req("POST", "/v1/heartbeat", { body: hb(), token: AGT });
    const view = await fleet(req);
    const events = ((await (await req("GET", "/v1/events")).json()) as { events: RegistryEvent[] }).events;
    const browserRender = new Function(`return (${renderFleetBody.toString()})`)() as typeof renderFleetBody;
    expect(browserRender(view, events)).toBe(renderFleetBody(view, events));
  });
});
