import { expect, test } from "bun:test";
import { createOnlineModel } from "../../models/online/default.ts";
import { createApp, type RuntimeView } from "./app.ts";
import { createRng } from "../../data/random.ts";

function view(over: Partial<RuntimeView> = {}): RuntimeView {
  const model = createOnlineModel("online:default");
  return {
    status: () => ({ agent: { id: "edge-01" } }),
    readiness: async () => ({ ready: true, reasons: [] }),
    metrics: async () => ({ text: "agent_up 1\n", contentType: "text/plain; version=0.0.4" }),
    model: () => model,
    ...over,
  };
}

test("healthz, status, metrics", async () => {
  const app = createApp(view());
  expect((await app.request("/healthz")).status).toBe(200);
  expect(await (await app.request("/status")).json()).toEqual({ agent: { id: "edge-01" } });
  const m = await app.request("/metrics");
  expect(m.headers.get("content-type")).toContain("text/plain");
  expect(await m.text()).toContain("agent_up 1");
});

test("readyz is 503 with the reasons when not ready", async () => {
  const app = createApp(view({ readiness: async () => ({ ready: false, reasons: ["sink kafka: unreachable"] }) }));
  const r = await app.request("/readyz");
  expect(r.status).toBe(503);
  expect(((await r.json()) as any).reasons).toEqual(["sink kafka: unreachable"]);
});

test("POST /v1/score scores a posted series with the loaded model; a spike is flagged", async () => {
  const app = createApp(view());
  const rng = createRng(5);
  const values: (number | null)[] = Array.from({ length: 200 }, (_, i) => 100 + 3 * Math.sin(i / 5) + rng.normal());
  values[150] = 400;
  values[160] = null;
  const r = await app.request("/v1/score", { method: "POST", body: JSON.stringify({ values }) });
  expect(r.status).toBe(200);
  const j = (await r.json()) as any;
  expect(j.model.name).toBe("online:default");
  expect(j.scores.length).toBe(200);
  expect(j.is_anomaly[150]).toBe(true);
  expect(j.is_anomaly[160]).toBe(true);
  expect(j.is_anomaly.filter(Boolean).length).toBeLessThan(10);
});

test("bad bodies get 400 with a reason; oversized ones 413; no model 503", async () => {
  const app = createApp(view(), { maxPoints: 10, maxBodyBytes: 2000 });
  const bad = await app.request("/v1/score", { method: "POST", body: JSON.stringify({ values: ["x"] }) });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as any).error).toContain("values.0");
  expect((await app.request("/v1/score", { method: "POST", body: "{" })).status).toBe(400);
  const many = await app.request("/v1/score", { method: "POST", body: JSON.stringify({ values: Array(11).fill(1) }) });
  expect(many.status).toBe(413);
  const huge = await app.request("/v1/score", { method: "POST", body: JSON.stringify({ values: Array(1000).fill(1) }) });
  expect(huge.status).toBe(413);
  const none = createApp(view({ model: () => undefined }));
  expect((await none.request("/v1/score", { method: "POST", body: '{"values":[1]}' })).status).toBe(503);
});

test("POST /v1/score: a point the model scores NaN or ∞ is flagged (1) and counted; the other series are untouched", async () => {
  const counted: [string, string, number][] = [];
  const model = {
    name: "nan",
    version: "1",
    kind: "fake",
    window: 2,
    threshold: 0.5,
    scoreSeries: async (series: readonly Float64Array[]) =>
      series.map((v) => Float32Array.from(v, (x) => (x > 1e300 ? Number.NaN : x < -1e300 ? Number.NEGATIVE_INFINITY : 0.1))),
    createState: () => ({ bytes: 0 }),
    scoreTick: async () => new Float32Array(0),
    dispose() {},
  };
  const app = createApp(view({ model: () => model, countError: (c: string, t: string, n: number) => void counted.push([c, t, n]) }));
  const r = await app.request("/v1/score", {
    method: "POST",
    body: JSON.stringify({
      series: [
        { name: "a", values: [1, 1e308, -1e308] },
        { name: "b", values: [1, 2, 3] },
      ],
    }),
  });
  expect(r.status).toBe(200);
  const j = (await r.json()) as { results: { name: string; scores: number[]; is_anomaly: boolean[] }[] };
  expect(j.results.map((x) => [x.name, x.scores, x.is_anomaly])).toEqual([
    ["a", [0.1, 1, 1], [false, true, true]],
    ["b", [0.1, 0.1, 0.1], [false, false, false]],
  ]);
  expect(counted).toEqual([["scorer", "non_finite_score", 2]]);
});
