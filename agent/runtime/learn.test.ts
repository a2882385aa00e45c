/** `model.learn` from a config file to a running agent: history fed by the rounds, a run on schedule, `/status`, a restart. */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { waitFor } from "../../core/testing/wait-for.ts";
import { parseConfigText } from "../config/load.ts";
import { createApp } from "../server/app.ts";
import { AgentRuntime } from "./agent.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function runtime(dir: string): AgentRuntime {
  const yaml = `
agent: { id: t, data_dir: ${dir}/var }
sources: [{ type: synthetic, id: synth, series: 8, interval: 5ms }]
model:
  online: default
  learn: { after: 8s, every: 1h, epochs: 1, max_series: 8 }
sinks: [{ type: file, id: out, path: ${dir}/out.jsonl, batch: { max_wait: 50ms } }]
server: { enabled: false }
buffer: { type: memory }
`;
  return new AgentRuntime(parseConfigText(yaml, join(dir, "agent.yaml"), {}, { configDir: dir, hostname: "h" }), pino({ level: "silent" }));
}

test("a running agent keeps its history, trains once the history spans `after`, reports it, and remembers it across a restart", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agent-rt-learn-"));
  dirs.push(dir);
  const rt = runtime(dir);
  await rt.start();
  const status = async (r: AgentRuntime) => (await (await createApp(r).request("/status")).json()) as Record<string, any>;
  try {
    const s0 = await status(rt);
    expect(s0.learn).toMatchObject({ mode: "swap", in_use: { source: "configured", ref: "online:default" }, runs: 0, last_run: null });
    expect(s0.learn.waiting_for).toMatch(/^history: \d+ s of 8 s$/);
    await waitFor(async () => (await status(rt)).learn.last_run !== null, { timeoutMs: 60_000, what: "the first training run" });
    const s = await status(rt);
    expect(["kept", "swapped"]).toContain(s.learn.last_run.outcome);
    expect(s.learn.last_run.history.series).toBe(8);
    expect(s.learn.last_run.candidate.events).toBeGreaterThan(0);
    expect(s.learn.history.series).toBe(8);
    expect(s.learn.history.points).toBeGreaterThan(8 * 600);
    expect(s.learn.next_run_at).not.toBeNull();
    expect((await rt.metrics()).text).toMatch(/^agent_learn_runs_total\{outcome="(kept|swapped)"\} 1$/m);
  } finally {
    await rt.stop();
  }
  expect(existsSync(join(dir, "var", "learn", "state.json"))).toBe(true);
  expect(readdirSync(join(dir, "var", "history")).some((n) => n.endsWith(".hist"))).toBe(true);
  const again = runtime(dir);
  await again.start();
  try {
    const s = await status(again);
    expect(s.learn.runs).toBe(1);
    expect(s.learn.waiting_for).toMatch(/^the next run at /);
    expect(s.learn.history.points).toBeGreaterThan(8 * 600);
  } finally {
    await again.stop();
  }
}, 90_000);
