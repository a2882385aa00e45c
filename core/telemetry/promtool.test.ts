/**
 * `/metrics` as Prometheus' own linter reads it: `promtool check metrics` (Debian's `prometheus`
 * package; .ci/run installs it). Without promtool the tests are skipped with a printed reason,
 * except under CI (CI=true), where a missing promtool fails them.
 */
import { expect, test } from "bun:test";
import { collectDefaultMetrics } from "prom-client";
import { Telemetry } from "./metrics.ts";
import { waitFor } from "../testing/wait-for.ts";

const PROMTOOL = Bun.which("promtool");
if (!PROMTOOL) {
  if (process.env.CI) throw new Error("promtool is missing under CI: .ci/run installs Debian's prometheus package");
  console.log("[promtool] SKIPPED: promtool not installed (apt-get install prometheus); CI installs it");
}
const it = PROMTOOL ? test : test.skip;

/** `promtool check metrics` on `text`: exit code and what it printed. */
async function promtool(text: string): Promise<{ code: number; out: string }> {
  const p = Bun.spawn([PROMTOOL!, "check", "metrics"], { stdin: new TextEncoder().encode(text), stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, out: out + err };
}

/** A Telemetry with every metric populated as a running agent's is, labels with awkward characters included. */
function populated(t: Telemetry): Telemetry {
  for (const [id, kind] of [
    ["synth", "synthetic"],
    ["host", "procfs"],
    ['a"b\\c\nd', "file"],
  ]) {
    t.pointsIn.inc({ component: id, component_kind: kind }, 10);
    t.pointsOut.inc({ component: id, component_kind: kind }, 9);
    t.errors.inc({ component: id, error_type: "timeout" });
    t.dropped.inc({ component: id, reason: "buffer_full" });
    t.bufferDepth.set({ component: id }, 3);
    t.batchLatency.observe({ component: id }, 0.02);
  }
  t.bufferBytes.set(4096);
  t.anomalies.inc({ state: "open" });
  t.scoringLatency.observe(0.003);
  t.seriesActive.set(12);
  t.modelInfo.set({ name: "online:default", version: "1" }, 1);
  t.ready.set(1);
  return t;
}

it("the agent's /metrics text passes promtool check metrics (exit 0, no lint message)", async () => {
  const t = populated(new Telemetry());
  // one event-loop lag sample in the histogram (the sampler's timer runs every second)
  const text = await waitFor(
    async () => {
      const m = await t.registry.metrics();
      return /eventloop_lag_seconds_count [1-9]/.test(m) ? m : undefined;
    },
    { timeoutMs: 5000, everyMs: 50 },
  );
  const r = await promtool(text);
  console.log(`[promtool] agent metrics: exit ${r.code}${r.out.trim() ? `: ${r.out.trim()}` : ""}`);
  expect(r.out.trim()).toBe("");
  expect(r.code).toBe(0);
});

it("the check can fail: prom-client's default Node collectors (what /metrics had before) exit 3", async () => {
  const t = populated(new Telemetry({ defaultMetrics: false }));
  collectDefaultMetrics({ register: t.registry, prefix: "agent_" });
  const r = await promtool(await t.registry.metrics());
  console.log(`[promtool] prom-client defaults: exit ${r.code}: ${r.out.trim().split("\n").join("; ")}`);
  expect(r.code).toBe(3);
  expect(r.out).toContain('non-counter metrics should not have "_total" suffix');
});
