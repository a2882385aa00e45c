/**
 * `agent run` as a real process against a hostile registry (a real HTTP server on 127.0.0.1):
 * malformed resolve answers and an endless answer body. The agent keeps scoring with its last
 * good model, counts the errors (`/metrics`, `/status`), and exits on SIGTERM within its bound.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileRecords, startAgent, waitUntil } from "../e2e/registry-harness.ts";
import { endlessBody, envelope, nanEnvelope, resolutionFor, startFakeRegistry, type FakeRegistry } from "./testing/fake-registry.ts";
import { pollOnce } from "./poll.ts";
import { testUpdater } from "./testing/harness.ts";

/** SIGTERM → exit: the flush of the file sink plus the updater's 2 s bound, with a wide margin. */
const EXIT_BOUND_MS = 10_000;

let reg: FakeRegistry;
beforeAll(() => void (reg = startFakeRegistry()));
afterAll(() => reg.stop());

/** A data dir whose last good registry model is v1 (installed by an in-process updater), and a victim dir beside it. */
async function prepared() {
  const root = mkdtempSync(join(tmpdir(), "hostile-proc-"));
  const dataDir = join(root, "data");
  mkdirSync(join(root, "victim"));
  writeFileSync(join(root, "victim", "precious.txt"), "keep me");
  const v1 = await envelope("1");
  reg.resolve = () => resolutionFor(v1, { agent_id: "edge-proc" });
  reg.bundle = () => v1;
  const t = await testUpdater({ request: () => new Response(null, { status: 500 }) }, "edge-proc", {
    dataDir,
    registry: { url: reg.url },
    fetch: (req) => fetch(req),
  });
  expect((await pollOnce(t.up)).result).toBe("switched");
  t.rounds();
  await t.up.saved;
  const config = join(root, "agent.yaml");
  writeFileSync(
    config,
    `agent: { id: edge-proc, data_dir: ${dataDir} }
sources: [{ type: synthetic, id: synth, series: 5, interval: 100ms, seed: 3 }]
model:
  registry: { url: "${reg.url}", name: m, token: agt_test, poll_interval: 200ms, heartbeat_interval: 1s, request_timeout: 60s }
sinks: [{ type: file, id: out, path: ${root}/out.jsonl, batch: { max_wait: 100ms } }]
server: { listen: "127.0.0.1:0" }
`,
  );
  return { root, dataDir, config, out: join(root, "out.jsonl") };
}

async function sigtermWithinBound(proc: Awaited<ReturnType<typeof startAgent>>["proc"]): Promise<number> {
  const t0 = performance.now();
  proc.p.kill("SIGTERM");
  const code = await Promise.race([proc.exited, Bun.sleep(EXIT_BOUND_MS * 3).then(() => "hung" as const)]);
  const ms = performance.now() - t0;
  if (code === "hung") proc.p.kill("SIGKILL");
  expect(code).toBe(0);
  expect(ms).toBeLessThan(EXIT_BOUND_MS);
  return ms;
}

test('agent run: {"model": null, "version": 12} from the registry is counted, v1 keeps scoring, SIGTERM exits within the bound', async () => {
  const p = await prepared();
  const { proc, api } = await startAgent(p.config);
  try {
    await proc.waitFor(/starting on the last good registry model/);
    reg.resolve = () => ({ model: null, version: 12 });
    await waitUntil("bad answers counted", async () => /component="updater",error_type="bad_answer"} [2-9]/.test(await (await fetch(`${api}/metrics`)).text()));
    const status = (await (await fetch(`${api}/status`)).json()) as {
      model: { version: string; source: string };
      registry: { last_error: { message: string } };
    };
    expect(status.model).toMatchObject({ version: "1", source: "registry" });
    expect(status.registry.last_error.message).toContain("resolve answer");
    // v1 keeps scoring while the answers stay bad (waited for, not timed)
    await waitUntil("v1 keeps scoring", async () => (await fileRecords(p.out)).filter((r) => r.event.kind === "metric").length > 20);
    const ms = await sigtermWithinBound(proc);
    console.log(`malformed answers: SIGTERM → exit in ${ms.toFixed(0)} ms`);
    const records = (await fileRecords(p.out)).filter((r) => r.event.kind === "metric");
    expect(records.length).toBeGreaterThan(20);
    expect(records.every((r) => r.model.version === "1" && Number.isFinite(r.anomaly.score))).toBe(true);
    expect(existsSync(join(p.root, "victim", "precious.txt"))).toBe(true);
  } finally {
    proc.p.kill("SIGKILL");
  }
}, 60_000);

test("agent run: SIGTERM while the registry sends an endless answer body exits within the bound", async () => {
  const p = await prepared();
  const { proc } = await startAgent(p.config);
  try {
    await proc.waitFor(/starting on the last good registry model/);
    const hits = reg.hits.length;
    reg.resolve = () => endlessBody('{"model":"m"');
    await waitUntil("a resolve request in flight", async () => reg.hits.slice(hits).some((h) => h.endsWith("/resolve")));
    await Bun.sleep(500);
    const ms = await sigtermWithinBound(proc);
    console.log(`endless body: SIGTERM → exit in ${ms.toFixed(0)} ms`);
  } finally {
    proc.p.kill("SIGKILL");
  }
}, 60_000);

test("agent run: a NaN model is refused and stays refused after a restart (no second download); v1 keeps scoring", async () => {
  const p = await prepared();
  const v2 = await nanEnvelope("2");
  const first = await startAgent(p.config);
  try {
    await first.proc.waitFor(/starting on the last good registry model/);
    reg.resolve = () => resolutionFor(v2, { agent_id: "edge-proc" });
    reg.bundle = () => v2;
    await waitUntil("v2 refused", async () =>
      JSON.stringify(((await (await fetch(`${first.api}/status`)).json()) as { registry: unknown }).registry).includes('"rejected":[{"version":"2"'),
    );
    await sigtermWithinBound(first.proc);
  } finally {
    first.proc.p.kill("SIGKILL");
  }
  const downloads = reg.hits.filter((h) => h.endsWith("/versions/2/bundle")).length;
  expect(downloads).toBe(1);
  const second = await startAgent(p.config);
  try {
    await second.proc.waitFor(/starting on the last good registry model/);
    await waitUntil(
      "a poll after the restart",
      async () =>
        ((await (await fetch(`${second.api}/status`)).json()) as { registry: { last_poll: { result: string } | null } }).registry.last_poll?.result ===
        "skipped",
    );
    const status = (await (await fetch(`${second.api}/status`)).json()) as { model: { version: string }; registry: { rejected: { version: string }[] } };
    expect(status.model.version).toBe("1");
    expect(status.registry.rejected.map((r) => r.version)).toEqual(["2"]);
    expect(reg.hits.filter((h) => h.endsWith("/versions/2/bundle")).length).toBe(downloads);
    await sigtermWithinBound(second.proc);
    const records = (await fileRecords(p.out)).filter((r) => r.event.kind === "metric");
    expect(records.every((r) => r.model.version === "1" && Number.isFinite(r.anomaly.score))).toBe(true);
  } finally {
    second.proc.p.kill("SIGKILL");
  }
}, 60_000);
