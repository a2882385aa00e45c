/** `scoring.drift` and `model.shadow` from a config file to the local API: `/status`, `/metrics`. */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { waitFor } from "../../core/testing/wait-for.ts";
import { parseConfigText } from "../config/load.ts";
import { createApp } from "../server/app.ts";
import { AgentRuntime } from "./agent.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function runtime(model: string): AgentRuntime {
  const dir = mkdtempSync(join(tmpdir(), "agent-rt-drift-"));
  dirs.push(dir);
  const yaml = `
agent: { id: t, data_dir: ${dir}/var }
sources: [{ type: synthetic, id: synth, series: 20, interval: 5ms }]
model: ${model}
scoring: { drift: { stride: 1, reference: 16, half_life: 16, score_settle: 0, score_reference: 64, score_half_life: 32 } }
sinks: [{ type: file, id: out, path: ${dir}/out.jsonl, batch: { max_wait: 50ms } }]
server: { enabled: false }
buffer: { type: memory }
`;
  return new AgentRuntime(parseConfigText(yaml, join(dir, "agent.yaml"), {}, { configDir: dir, hostname: "h" }), pino({ level: "silent" }));
}

test("drift and shadow in /status and /metrics of a running agent", async () => {
  const rt = runtime(`{ online: default, shadow: "online:default?alarms_per_day=10" }`);
  await rt.start();
  try {
    const app = createApp(rt);
    const status = async () => (await (await app.request("/status")).json()) as Record<string, any>;
    await waitFor(
      async () => {
        const s = await status();
        return s.drift?.ready === 20 && s.shadow?.points > 0;
      },
      { timeoutMs: 30_000, what: "drift references filled and shadow points" },
    );
    const s = await status();
    expect(s.drift).toMatchObject({ level: 0.25, series: 20, ready: 20, untracked: 0, score: { model: "online:default", version: "3" } });
    expect(s.drift.top.length).toBeLessThanOrEqual(10);
    expect(s.shadow).toMatchObject({ model: { name: "online:default", version: "3" }, skipped: { late: expect.any(Number), error: 0 } });
    expect(s.shadow.agreement).toBeGreaterThan(0);
    expect(typeof s.drift_events).toBe("number");
    const text = await (await app.request("/metrics")).text();
    expect(text).toContain('agent_drift_series{state="ready"} 20');
    expect(text).toMatch(/^agent_drift_score_psi\{model="online:default",version="3"\} [\d.]+$/m);
    expect(text).toMatch(/^agent_drift_input_psi_max [\d.]+$/m);
    expect(text).toMatch(/^agent_shadow_points_total [1-9]\d*$/m);
    expect(text).toMatch(/^agent_shadow_agreement [\d.]+$/m);
  } finally {
    await rt.stop();
  }
}, 60_000);

test("a shadow that cannot load: the agent scores anyway, says so in /status and counts it", async () => {
  const rt = runtime(`{ online: default, shadow: ./no-such-bundle }`);
  await rt.start();
  try {
    await waitFor(() => (rt.status() as { points: number }).points > 0, { timeoutMs: 30_000 });
    expect(rt.status()).toMatchObject({ shadow: null, shadow_error: expect.stringContaining("no-such-bundle") });
    expect((await rt.metrics()).text).toContain('agent_component_errors_total{component="shadow",error_type="load_failed"} 1');
  } finally {
    await rt.stop();
  }
}, 60_000);
