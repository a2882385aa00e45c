import { afterAll, expect, test } from "bun:test";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { pushMetrics } from "./pushgateway.ts";

const received: { method: string; path: string; body: string }[] = [];
let status = 200;
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: async (req) => {
    received.push({ method: req.method, path: new URL(req.url).pathname, body: await req.text() });
    return new Response("", { status });
  },
});
afterAll(() => server.stop(true));

test("PUTs the agent's metrics under job/instance", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  t.pointsIn.inc({ component: "synth", component_kind: "synthetic" }, 42);
  expect(await pushMetrics(`http://127.0.0.1:${server.port}/`, "agent", "edge 01", t)).toBeUndefined();
  const r = received.at(-1)!;
  expect(r.method).toBe("PUT");
  expect(r.path).toBe("/metrics/job/agent/instance/edge%2001");
  expect(r.body).toContain('agent_points_in_total{component="synth",component_kind="synthetic"} 42');
});

test("a failing or unreachable gateway is counted and reported, never thrown", async () => {
  const t = new Telemetry({ defaultMetrics: false });
  status = 500;
  expect(await pushMetrics(`http://127.0.0.1:${server.port}`, "agent", "a", t)).toContain("500");
  expect(await pushMetrics("http://127.0.0.1:1", "agent", "a", t, 500)).toContain("pushgateway");
  const errors = await t.registry.getSingleMetricAsString("agent_component_errors_total");
  expect(errors).toContain('error_type="http_500"} 1');
  expect(errors).toContain('component="pushgateway",error_type="unreachable"} 1');
});
