import { describe, expect, test } from "bun:test";
import type { Resolution } from "../../../models/registry-protocol/protocol.ts";
import { bucketOf } from "../rollout.ts";
import { AGT, testRegistry, trainedEnvelope } from "../testing/fixtures.ts";

async function withVersions(...versions: string[]) {
  const r = testRegistry();
  for (const v of versions) expect((await r.req("POST", "/v1/models/m/versions", { body: await trainedEnvelope("robust-zscore", "m", v) })).status).toBe(201);
  return r;
}

const resolvePath = (agent: string, channel = "stable") => `/v1/models/m/channels/${channel}/resolve?agent_id=${agent}`;

describe("channels and resolve", () => {
  test("resolve answers the stable version with an ETag; If-None-Match → 304 until the channel moves", async () => {
    const { req } = await withVersions("1", "2");
    expect((await req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } })).status).toBe(200);
    const a = await req("GET", resolvePath("edge-01"), { token: AGT });
    const etag = a.headers.get("etag")!;
    expect(await a.json()).toMatchObject({ version: "1", cohort: "stable", bucket: bucketOf("edge-01", "m"), bundle_url: "/v1/models/m/versions/1/bundle" });
    const b = await req("GET", resolvePath("edge-01"), { token: AGT, headers: { "if-none-match": etag } });
    expect([b.status, b.headers.get("etag"), await b.text()]).toEqual([304, etag, ""]);
    await req("PUT", "/v1/models/m/channels/stable", { body: { version: "2" } });
    const c = await req("GET", resolvePath("edge-01"), { token: AGT, headers: { "if-none-match": etag } });
    expect(c.status).toBe(200);
    expect(((await c.json()) as Resolution).version).toBe("2");
  });

  test("a canary at 20 % reaches the agents whose bucket < 20, the same ones every time", async () => {
    const { req } = await withVersions("1", "2");
    await req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
    await req("PUT", "/v1/models/m/channels/canary", { body: { version: "2", rollout: 20 } });
    let canary = 0;
    for (let i = 0; i < 300; i++) {
      const r = (await (await req("GET", resolvePath(`agent-${i}`), { token: AGT })).json()) as Resolution;
      expect(r.version).toBe(r.bucket < 20 ? "2" : "1");
      expect(r.cohort).toBe(r.bucket < 20 ? "canary" : "stable");
      if (r.version === "2") canary++;
    }
    expect(canary).toBeGreaterThan(35);
    expect(canary).toBeLessThan(85);
    const optIn = (await (await req("GET", resolvePath("agent-99999", "canary"), { token: AGT })).json()) as Resolution;
    expect(optIn.version).toBe("2");
  });

  test("rollback: canary → rollout 0 (everyone stable); stable → the previous version; events recorded", async () => {
    const { req } = await withVersions("1", "2", "3");
    await req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
    await req("PUT", "/v1/models/m/channels/stable", { body: { version: "2" } });
    await req("PUT", "/v1/models/m/channels/canary", { body: { version: "3", rollout: 100 } });
    expect(((await (await req("GET", resolvePath("x1"), { token: AGT })).json()) as Resolution).version).toBe("3");
    const rc = await req("POST", "/v1/models/m/channels/canary/rollback", { body: { reason: "bad latency" } });
    expect(await rc.json()).toMatchObject({ channel: "canary", version: "3", rollout: 0 });
    expect(((await (await req("GET", resolvePath("x1"), { token: AGT })).json()) as Resolution).version).toBe("2");
    const rs = await req("POST", "/v1/models/m/channels/stable/rollback");
    expect(await rs.json()).toMatchObject({ channel: "stable", version: "1", rollout: 100 });
    expect((await req("POST", "/v1/models/m/channels/stable/rollback")).status).toBe(409);
    const events = ((await (await req("GET", "/v1/events?model=m")).json()) as { events: { type: string; detail: { reason?: string } }[] }).events;
    expect(events.map((e) => e.type).slice(0, 3)).toEqual(["channel_rollback", "channel_rollback", "channel_set"]);
    expect(events[1].detail.reason).toBe("bad latency");
  });

  test("resolve says when an earlier version is served on purpose: published_at and the rollback flag", async () => {
    const { req } = await withVersions("1", "2");
    const resolve = async (agent: string) => (await (await req("GET", resolvePath(agent), { token: AGT })).json()) as Resolution;
    const inCanary = Array.from({ length: 100 }, (_, i) => `a${i}`).find((a) => bucketOf(a, "m") < 50)!;
    await req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
    const v1 = await resolve(inCanary);
    expect(v1).toMatchObject({ version: "1", rollback: false });
    expect(Date.parse(v1.published_at!)).toBeGreaterThan(0);
    await req("PUT", "/v1/models/m/channels/canary", { body: { version: "2", rollout: 50 } });
    const v2 = await resolve(inCanary);
    expect(v2).toMatchObject({ version: "2", cohort: "canary", rollback: false });
    expect(v2.published_at! >= v1.published_at!).toBe(true);
    const before = (await req("GET", resolvePath(inCanary), { token: AGT })).headers.get("etag")!;
    await req("POST", "/v1/models/m/channels/canary/rollback");
    const back = await req("GET", resolvePath(inCanary), { token: AGT, headers: { "if-none-match": before } });
    expect(back.status).toBe(200);
    expect(back.headers.get("etag")).toContain(".rollback");
    expect(await back.json()).toMatchObject({ version: "1", cohort: "stable", rollback: true });
    await req("PUT", "/v1/models/m/channels/stable", { body: { version: "2" } });
    await req("PUT", "/v1/models/m/channels/canary", { body: { version: "2", rollout: 0 } });
    expect(await resolve(inCanary)).toMatchObject({ version: "2", rollback: false });
    await req("POST", "/v1/models/m/channels/stable/rollback");
    expect(await resolve(inCanary)).toMatchObject({ version: "1", rollback: true });
  });

  test("bad input: unknown channel, unknown version, bad body, bad agent id, unknown model; agent tokens cannot move channels", async () => {
    const { req } = await withVersions("1");
    const code = async (r: Promise<Response>) => {
      const res = await r;
      return [res.status, ((await res.json()) as { error: string }).error];
    };
    expect(await code(req("PUT", "/v1/models/m/channels/beta", { body: { version: "1" } }))).toEqual([400, "unknown_channel"]);
    expect(await code(req("GET", resolvePath("a", "nightly"), { token: AGT }))).toEqual([400, "unknown_channel"]);
    expect(await code(req("PUT", "/v1/models/m/channels/stable", { body: { version: "9" } }))).toEqual([404, "unknown_version"]);
    expect(await code(req("PUT", "/v1/models/m/channels/stable", { body: { version: "1", rollout: 150 } }))).toEqual([400, "invalid_body"]);
    expect(await code(req("PUT", "/v1/models/m/channels/stable", { body: "{" }))).toEqual([400, "bad_json"]);
    expect(await code(req("GET", "/v1/models/m/channels/stable/resolve", { token: AGT }))).toEqual([400, "invalid_agent_id"]);
    expect(await code(req("GET", resolvePath("../x"), { token: AGT }))).toEqual([400, "invalid_agent_id"]);
    expect(await code(req("GET", resolvePath("a"), { token: AGT }))).toEqual([404, "no_version"]);
    expect(await code(req("GET", "/v1/models/nope/channels/stable/resolve?agent_id=a", { token: AGT }))).toEqual([404, "unknown_model"]);
    expect(await code(req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" }, token: AGT }))).toEqual([403, "forbidden"]);
    expect(await code(req("GET", resolvePath("a"), { token: null }))).toEqual([401, "unauthorized"]);
  });
});
