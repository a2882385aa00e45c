import { expect, test } from "bun:test";
import { Telemetry } from "./metrics.ts";

test("the default metrics leave out the heap-space gauges (costly under Bun) and keep the rest", async () => {
  const text = await new Telemetry().registry.metrics();
  expect(text).not.toContain("nodejs_heap_space_size_");
  for (const m of ["agent_process_cpu_user_seconds_total", "agent_process_resident_memory_bytes", "agent_nodejs_heap_size_used_bytes", "agent_nodejs_eventloop_lag_seconds", "agent_component_errors_total"]) expect(text).toContain(m);
  expect(await new Telemetry({ heapSpaces: true }).registry.metrics()).toContain("agent_nodejs_heap_space_size_used_bytes");
  expect(await new Telemetry({ defaultMetrics: false }).registry.metrics()).not.toContain("agent_process_");
});

test("a scrape costs a fraction of one with every default collector (same run, generous factor)", async () => {
  const cpu = async (t: Telemetry) => {
    for (let i = 0; i < 10; i++) await t.registry.metrics();
    const c0 = process.cpuUsage();
    for (let i = 0; i < 60; i++) await t.registry.metrics();
    const c = process.cpuUsage(c0);
    return c.user + c.system;
  };
  const full = await cpu(new Telemetry({ heapSpaces: true }));
  const agent = await cpu(new Telemetry());
  console.log(`[metrics] CPU per scrape: all default collectors ${(full / 60 / 1000).toFixed(2)} ms, agent ${(agent / 60 / 1000).toFixed(2)} ms`);
  expect(agent * 3).toBeLessThan(full); // measured ≈ 14× (scripts/bench/metrics-scrape.ts)
});
