/**
 * End to end through a real `agent run` process (spawned by path: bun agent/main.ts): two Kafka
 * sinks against the private SASL_SSL broker (testing/tls-broker.ts, shared with tls.test.ts),
 * one with a wrong SCRAM password (password_file), one trusting another CA. `/readyz` must give
 * both reasons, `/status` the halted state with its records kept, the agent's log the halt.
 * `agent validate` on the same config passes (the files exist and parse).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { waitFor } from "../../testing/wait-for.ts";
import { freePort, sharedTlsBroker, type TlsBroker } from "./testing/tls-broker.ts";

const MAIN = resolve(import.meta.dir, "../../../agent/main.ts");
let b: TlsBroker;
let agent: Subprocess<"ignore", "pipe", "pipe"> | undefined;
let log = "";
let url = "";
let config = "";
let dataDir = "";
let ready: Promise<void>;

beforeAll(() => {
  ready = (async () => {
    b = await sharedTlsBroker();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    writeFileSync(join(b.dir, "agent-wrong.password"), "wrong-password\n", { mode: 0o600 });
    writeFileSync(join(b.dir, "agent-right.password"), "scram-secret\n", { mode: 0o600 });
    config = join(b.dir, "agent-tls.yaml");
    dataDir = mkdtempSync(join(tmpdir(), "agent-tls-data-"));
    writeFileSync(
      config,
      `agent: { id: edge-tls, data_dir: ${dataDir} }
sources:
  - { type: synthetic, id: synth, series: 5, interval: 200ms, seed: 3 }
model: { online: default }
sinks:
  - { type: kafka, id: k-wrong, brokers: ["${b.broker}"], topic: agent-tls, tls: { ca: pki/ca.pem }, sasl: { mechanism: scram-sha-512, username: scram-user, password_file: agent-wrong.password } }
  - { type: kafka, id: k-ca, brokers: ["${b.broker}"], topic: agent-tls, tls: { ca: pki/other-ca.pem }, sasl: { mechanism: scram-sha-512, username: scram-user, password_file: agent-right.password } }
server: { listen: "127.0.0.1:${port}" }
buffer: { type: disk }   # records wait on disk at shutdown: a failing sink does not hold the exit
`,
    );
    agent = Bun.spawn([process.execPath, MAIN, "run", "--config", config], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    void (async () => {
      for await (const chunk of agent!.stderr) log += new TextDecoder().decode(chunk);
    })();
  })();
  ready.catch(() => {});
}, 120_000);

afterAll(async () => {
  if (!agent) return;
  const t0 = performance.now();
  agent.kill("SIGTERM");
  const kill = setTimeout(() => agent?.kill("SIGKILL"), 20_000); // a deadline, not a wait
  const code = await agent.exited;
  clearTimeout(kill);
  console.error(`[agent tls] agent run stopped in ${Math.round(performance.now() - t0)} ms (exit ${code})`);
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

test("agent validate accepts the config: every TLS and secret file exists and parses", async () => {
  await ready;
  const v = Bun.spawnSync([process.execPath, MAIN, "validate", "--config", config], { stdout: "pipe", stderr: "pipe" });
  expect({ code: v.exitCode, err: v.stderr.toString() }).toMatchObject({ code: 0 });
}, 60_000);

test("/readyz names both problems; the wrong password halts its sink with the records kept; the log says so", async () => {
  await ready;
  const readyz = await waitFor(
    async () => {
      const r = await fetch(`${url}/readyz`).catch(() => undefined);
      if (!r) return undefined;
      const body = (await r.json()) as { ready: boolean; reasons: string[] };
      const text = body.reasons.join("\n");
      return text.includes("sink k-wrong halted: kafka refused the credentials") && text.includes("sink k-ca: kafka unreachable at")
        ? { status: r.status, body }
        : undefined;
    },
    { timeoutMs: 60_000, everyMs: 200, what: "/readyz with both TLS/SASL reasons" },
  );
  expect(readyz.status).toBe(503);
  expect(readyz.body.reasons.find((r) => r.startsWith("sink k-ca:"))).toContain("TLS: the server's certificate is not signed by a trusted CA");
  expect(readyz.body.reasons.find((r) => r.startsWith("sink k-wrong halted:"))).toContain("KafkaJSSASLAuthenticationError");
  const status = (await (await fetch(`${url}/status`)).json()) as { sinks: { id: string; state: string; buffer_depth: number; delivered: number }[] };
  const wrong = status.sinks.find((s) => s.id === "k-wrong")!;
  expect(wrong.state).toBe("halted");
  expect(wrong.delivered).toBe(0);
  expect(wrong.buffer_depth).toBeGreaterThan(0);
  await waitFor(() => log.includes("sink halted; its records are kept"), { timeoutMs: 10_000, what: "the halt in the log" });
  const halted = log.split("\n").find((l) => l.includes("sink halted; its records are kept"))!;
  expect(JSON.parse(halted)).toMatchObject({ sink: "k-wrong", reason: expect.stringContaining("kafka refused the credentials") });
}, 120_000);
