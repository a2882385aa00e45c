/**
 * `agent fleet` against a registry fed by hostile agents (real HTTP): whatever the agents put in
 * their heartbeats, the terminal gets no control character, and every page is fetched.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRegistryServer, type RunningRegistry } from "../../core/registry/server.ts";
import { createRegistryClient } from "../../models/registry-protocol/client.ts";
import type { Heartbeat } from "../../models/registry-protocol/heartbeat.ts";
import { fetchFleet, formatFleet } from "./fleet.ts";

const MAIN = join(import.meta.dir, "..", "main.ts");
const EVIL = "\u001b]0;pwned\u0007\u001b[2J\u001b[H\r\u009b31m\u202e\u0008";
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;
let reg: RunningRegistry;

const hb = (agent_id: string, over: Partial<Heartbeat> = {}): Heartbeat => ({
  agent_id,
  host: `${agent_id}.example`,
  agent_version: "0.1.0",
  model: { name: "m", version: "1" },
  uptime_s: 1,
  points_per_s: 1,
  anomaly_rate: 0,
  buffer_depth: 0,
  sinks: [{ id: "kafka", state: "ok" }],
  last_error: null,
  ...over,
});

beforeAll(async () => {
  reg = await startRegistryServer({
    dataDir: join(await mkdtemp(join(tmpdir(), "fleet-hostile-")), "data"),
    port: 0,
    publisherTokens: ["pub_f"],
    agentTokens: ["agt_f"],
    legacyAgentTokens: true,
  });
  const agent = createRegistryClient({ url: reg.url, token: "agt_f" });
  await agent.heartbeat(
    hb("evil", {
      host: `host${EVIL}`,
      agent_version: EVIL,
      last_error: `boom${EVIL}\nline two`,
      sinks: [{ id: `k${EVIL}`, state: `ok${EVIL}` }],
      model: { name: `m${EVIL}`, version: "1" },
    }),
  );
  for (let i = 0; i < 2500; i++) await agent.heartbeat(hb(`a-${String(i).padStart(4, "0")}`));
}, 60_000);
afterAll(async () => {
  await reg?.stop();
});

test("agent fleet prints agent-supplied control characters escaped, never raw", async () => {
  // Async spawn: the registry serves from this very process.
  const p = Bun.spawn([process.execPath, MAIN, "fleet", "--registry", reg.url, "--token", "pub_f"], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  expect([code, err]).toEqual([0, ""]);
  expect(out).not.toMatch(CONTROL);
  expect(out).toContain("host\\x1b]0;pwned\\x07");
  expect(out).toContain("2501 agents");
  const evilLine = out.split("\n").find((l) => l.startsWith("evil"))!;
  expect(evilLine.length).toBeLessThan(12 * 70);
}, 30_000);

test("fetchFleet follows next_cursor through every page, bounded by maxAgents", async () => {
  const client = createRegistryClient({ url: reg.url, token: "pub_f" });
  const all = await fetchFleet(client);
  expect(all.agents).toHaveLength(2501);
  expect(new Set(all.agents.map((a) => a.agent_id)).size).toBe(2501);
  const some = await fetchFleet(client, {}, 1200);
  expect(some.agents).toHaveLength(1200);
  expect(formatFleet(some)).toContain("(1301 more agents not shown");
});
