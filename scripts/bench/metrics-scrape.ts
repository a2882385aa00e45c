/**
 * CPU cost of one `/metrics` scrape (Prometheus text), in the same run:
 *
 * - prom-client's full default collectors (what the agent registered before: heap-space gauges
 *   included, which call `v8.getHeapSpaceStatistics()`),
 * - the agent's set (`Telemetry` default: its own runtime metrics, core/telemetry/runtime-metrics.ts),
 * - no default collectors at all (the agent's own counters only),
 * - `/status` (JSON) for comparison.
 *
 * Each Telemetry carries the same realistic label load (3 sources, 3 sinks, errors, histograms).
 *
 *     bun scripts/bench/metrics-scrape.ts [--scrapes 300] [--no-pin]
 */
import { collectDefaultMetrics } from "prom-client";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { arg, conditions, pinToOneCore, table } from "./harness.ts";

function populate(t: Telemetry): void {
  for (const [id, kind] of [
    ["synth", "synthetic"],
    ["host", "procfs"],
    ["app", "prometheus"],
    ["kafka", "kafka"],
    ["es", "elasticsearch"],
    ["file", "file"],
  ]) {
    t.pointsIn.inc({ component: id, component_kind: kind }, 1000);
    t.pointsOut.inc({ component: id, component_kind: kind }, 1000);
    t.errors.inc({ component: id, error_type: "timeout" });
    t.dropped.inc({ component: id, reason: "buffer_full" });
    t.bufferDepth.set({ component: id }, 12);
    for (let i = 0; i < 50; i++) t.batchLatency.observe({ component: id }, i / 100);
  }
  for (let i = 0; i < 100; i++) t.scoringLatency.observe(i / 1000);
  t.modelInfo.set({ name: "online:default", version: "1" }, 1);
}

/** Mean CPU ms (user + system) and wall ms per call of `f`, after a warm-up. */
async function cost(f: () => Promise<unknown> | unknown, n: number): Promise<{ cpu: number; wall: number; bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < 30; i++) bytes = String(await f()).length;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await f();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1000 / n, wall: (performance.now() - t0) / n, bytes };
}

if (pinToOneCore()) {
  const n = arg("scrapes", 300);
  const full = new Telemetry({ defaultMetrics: false });
  collectDefaultMetrics({ register: full.registry, prefix: "agent_" });
  const agent = new Telemetry();
  const bare = new Telemetry({ defaultMetrics: false });
  for (const t of [full, agent, bare]) populate(t);
  const status = {
    agent: { id: "edge-01", version: "0.1.0" },
    sinks: Array.from({ length: 3 }, (_, i) => ({ id: `s${i}`, delivered: 1000, buffer_depth: 12 })),
  };
  const rows: [string, Awaited<ReturnType<typeof cost>>][] = [
    ["prom-client default collectors, all (before)", await cost(() => full.registry.metrics(), n)],
    ["agent Telemetry: its own runtime metrics (after)", await cost(() => agent.registry.metrics(), n)],
    ["no default collectors (own counters only)", await cost(() => bare.registry.metrics(), n)],
    ["/status JSON (for comparison)", await cost(() => JSON.stringify(status), n)],
  ];
  const before = rows[0][1].cpu;
  console.log(`# /metrics scrape cost — ${conditions()}, ${n} scrapes each\n`);
  console.log(
    table(
      ["what", "CPU ms / scrape", "wall ms / scrape", "bytes", "vs before"],
      rows.map(([what, r]) => [what, r.cpu.toFixed(3), r.wall.toFixed(3), r.bytes, `${(before / r.cpu).toFixed(0)}× cheaper`.replace(/^1× cheaper$/, "1×")]),
    ),
  );
}
