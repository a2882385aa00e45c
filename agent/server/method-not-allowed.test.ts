/** 405 + Allow on both HTTP servers (the agent's API and the registry), served for real by Bun.serve. */
import { afterAll, expect, test } from "bun:test";
import { createOnlineModel } from "../../models/online/default.ts";
import { createRegistryApp } from "../../core/registry/app.ts";
import { createRegistryStore } from "../../core/registry/store/index.ts";
import { createApp, type RuntimeView } from "./app.ts";

const model = createOnlineModel("online:default");
const view: RuntimeView = {
  status: () => ({}),
  readiness: async () => ({ ready: true, reasons: [] }),
  metrics: async () => ({ text: "", contentType: "text/plain" }),
  model: () => model,
};
const agent = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: createApp(view).fetch });
const registry = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: createRegistryApp({ store: createRegistryStore() }).fetch });
afterAll(() => {
  agent.stop(true);
  registry.stop(true);
});

test("agent API: GET /v1/score is 405 with Allow: POST; an unknown path stays 404", async () => {
  const r = await fetch(`${agent.url}v1/score`);
  expect(r.status).toBe(405);
  expect(r.headers.get("allow")).toBe("POST");
  expect(((await r.json()) as any).error).toContain("GET not allowed on /v1/score; allowed: POST");
  const put = await fetch(`${agent.url}healthz`, { method: "PUT", body: "{}" });
  expect(put.status).toBe(405);
  expect(put.headers.get("allow")).toBe("GET, HEAD");
  const missing = await fetch(`${agent.url}v1/nope`);
  expect(missing.status).toBe(404);
  expect(missing.headers.get("allow")).toBeNull();
  expect((await fetch(`${agent.url}v1/score`, { method: "POST", body: JSON.stringify({ values: [1, 2, 3] }) })).status).toBe(200);
});

test("registry: a wrong method on a parameterised route is 405 with Allow; an unknown path stays 404", async () => {
  const r = await fetch(`${registry.url}v1/models/m/versions`, { method: "DELETE" });
  expect(r.status).toBe(405);
  expect(r.headers.get("allow")).toBe("GET, HEAD, POST");
  expect(await r.json()).toEqual({ error: "method_not_allowed", reason: "DELETE is not allowed on /v1/models/m/versions; allowed: GET, HEAD, POST" });
  const heartbeat = await fetch(`${registry.url}v1/heartbeat`);
  expect(heartbeat.status).toBe(405);
  expect(heartbeat.headers.get("allow")).toBe("POST");
  const channel = await fetch(`${registry.url}v1/models/m/channels/stable`, { method: "POST", body: "{}" });
  expect(channel.status).toBe(405);
  expect(channel.headers.get("allow")).toBe("PUT");
  const missing = await fetch(`${registry.url}v1/models/m/unknown`);
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as any).error).toBe("not_found");
  // The right method still reaches the route (401: no token), not the 405.
  expect((await fetch(`${registry.url}v1/heartbeat`, { method: "POST", body: "{}" })).status).toBe(401);
});
