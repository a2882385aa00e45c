import { expect, test } from "bun:test";
import { collectDefaultMetrics } from "prom-client";
import { Telemetry } from "./metrics.ts";

test("the runtime metrics are the agent's own (true under Bun), not prom-client's Node collectors", async () => {
  const text = await new Telemetry().registry.metrics();
  for (const m of [
    "agent_process_cpu_user_seconds_total",
    "agent_process_resident_memory_bytes",
    "agent_heap_used_bytes",
    "agent_eventloop_lag_seconds",
    "agent_build_info",
    "agent_component_errors_total",
  ])
    expect(text).toContain(m);
  expect(text).not.toContain("nodejs_");
  expect(text).not.toContain("agent_process_heap_bytes");
  const bare = await new Telemetry({ defaultMetrics: false }).registry.metrics();
  expect(bare).not.toContain("agent_process_");
  expect(bare).not.toContain("agent_build_info");
});

test("a scrape costs a fraction of one with prom-client's default collectors (same run, generous factor)", async () => {
  const cpu = async (t: Telemetry) => {
    for (let i = 0; i < 10; i++) await t.registry.metrics();
    const c0 = process.cpuUsage();
    for (let i = 0; i < 60; i++) await t.registry.metrics();
    const c = process.cpuUsage(c0);
    return c.user + c.system;
  };
  const full = new Telemetry({ defaultMetrics: false });
  collectDefaultMetrics({ register: full.registry, prefix: "agent_" });
  const fullCpu = await cpu(full);
  const agent = await cpu(new Telemetry());
  console.log(`[metrics] CPU per scrape: prom-client default collectors ${(fullCpu / 60 / 1000).toFixed(2)} ms, agent ${(agent / 60 / 1000).toFixed(2)} ms`);
  expect(agent * 3).toBeLessThan(fullCpu);
});
