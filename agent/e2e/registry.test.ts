/**
 * End to end over real HTTP: `agent registry serve` and two `agent run` processes (synthetic
 * source, file sink, 500 ms polls) whose ids put exactly one of them in a 50 % canary (the
 * server's own bucket function). Publish v1 (robust z-score) to stable → v2 (autoencoder) to a
 * 50 % canary → refusals (corrupt, wrong shape, no token) → rollbacks → the registry down while
 * an agent starts. `AGENT_E2E_BIN=dist/agent` runs the same against the compiled binary.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bucketOf } from "../../core/registry/rollout.ts";
import { fileRecords, runCli, startAgent, startRegistry, status, waitUntil, type FilePoint, type Proc } from "./registry-harness.ts";

const MODEL = "host-ae";
const SERIES = 20;
const TOKENS = { publisher: "pub_e2e-publisher", agent: "agt_e2e-agent" };
const ids = Array.from({ length: 100 }, (_, i) => `e2e-edge-${i}`);
const CANARY_ID = ids.find((id) => bucketOf(id, MODEL) < 50)!;
const STABLE_ID = ids.find((id) => bucketOf(id, MODEL) >= 50)!;

let root = "";
let registry: { proc: Proc; url: string };
const agents: Record<"canary" | "stable", { proc: Proc; api: string; config: string; out: string }> = {} as never;
const procs: Proc[] = [];
const timings: Record<string, number> = {};

const push = (bundle: string, ...args: string[]) =>
  runCli(["push-model", join(root, bundle), "--registry", registry.url, ...args], { AGENT_REGISTRY_TOKEN: TOKENS.publisher });
const publisher = (method: string, path: string, body?: unknown) =>
  fetch(`${registry.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKENS.publisher}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const versionOf = async (who: "canary" | "stable") => (await status(agents[who].api)).model;

async function agentConfig(who: "canary" | "stable", id: string): Promise<string> {
  const dir = join(root, who);
  const file = join(root, `${who}.yaml`);
  await writeFile(
    file,
    `agent: { id: ${id}, data_dir: ${dir} }
sources: [{ type: synthetic, id: synth, series: ${SERIES}, interval: 250ms, anomaly_ratio: 0.3, seed: 5 }]
model:
  registry: { url: "${registry.url}", name: ${MODEL}, token: "\${AGENT_REGISTRY_TOKEN}", poll_interval: 500ms, heartbeat_interval: 1s }
sinks: [{ type: file, id: out, path: ${dir}/out.jsonl, batch: { max_wait: 100ms } }]
server: { listen: "127.0.0.1:0" }
`,
  );
  return file;
}

async function start(who: "canary" | "stable"): Promise<void> {
  const a = await startAgent(agents[who].config, { AGENT_REGISTRY_TOKEN: TOKENS.agent });
  procs.push(a.proc);
  Object.assign(agents[who], a);
}

/** A record's registry model version, or "o" for a record scored by the online fallback. */
const ver = (x: { model: { name: string; version: string } }): string => (x.model.name === MODEL ? x.model.version : "o");

/** Points grouped by source round (timestamp), in seq order. */
function rounds(records: FilePoint[]): FilePoint[][] {
  const byTs = new Map<string, FilePoint[]>();
  for (const r of records.filter((x) => x.event.kind === "metric").sort((a, b) => a.agent.seq - b.agent.seq)) {
    const g = byTs.get(r["@timestamp"]) ?? [];
    g.push(r);
    byTs.set(r["@timestamp"], g);
  }
  return [...byTs.values()];
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "registry-e2e-"));
  const cli = async (...args: string[]) => {
    const r = await runCli(args, {}, root);
    if (r.code !== 0) throw new Error(`agent ${args.join(" ")}: ${r.stderr}`);
  };
  await cli("generate", "--n-series", "6", "--n-points", "500", "--anomaly-ratio", "0", "--output-dir", "data", "--seed", "3");
  await cli("train", "--data", "data", "--model", "robust-zscore", "--window", "8", "--out", "v1", "--name", MODEL, "--model-version", "1");
  await cli(
    "train",
    "--data",
    "data",
    "--model",
    "autoencoder",
    "--window",
    "8",
    "--epochs",
    "1",
    "--seed",
    "5",
    "--out",
    "v2",
    "--name",
    MODEL,
    "--model-version",
    "2",
  );
  await cli("train", "--data", "data", "--model", "isolation-forest", "--out", "corrupt", "--name", MODEL, "--model-version", "3");
  const trees = join(root, "corrupt/trees.bin");
  const bytes = await readFile(trees);
  bytes[100] ^= 0xff;
  await writeFile(trees, bytes);
  await cp(join(root, "v2"), join(root, "wrong-shape"), { recursive: true });
  const m = JSON.parse(await readFile(join(root, "wrong-shape/manifest.json"), "utf8"));
  Object.assign(m, { version: "4", window: 16 });
  Object.assign(m.features, { window: 16, width: 17, names: ["value_z[16]", "log_spread_ratio"] });
  await writeFile(join(root, "wrong-shape/manifest.json"), JSON.stringify(m, null, 2));
  registry = await startRegistry(join(root, "registry"), "127.0.0.1:0", TOKENS);
  procs.push(registry.proc);
  for (const [who, id] of [
    ["canary", CANARY_ID],
    ["stable", STABLE_ID],
  ] as const) {
    agents[who] = { config: await agentConfig(who, id), out: join(root, who, "out.jsonl") } as never;
    await start(who);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop().catch(() => 0)));
  if (root && !process.env.AGENT_E2E_KEEP) await rm(root, { recursive: true, force: true });
  console.log(
    `registry e2e (${process.env.AGENT_E2E_BIN ?? "bun agent/main.ts"}): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])))} ms`,
  );
});

describe("registry → agents over HTTP", () => {
  test("the ids split as the server hashes them: exactly one agent in a 50 % canary", () => {
    expect(bucketOf(CANARY_ID, MODEL)).toBeLessThan(50);
    expect(bucketOf(STABLE_ID, MODEL)).toBeGreaterThanOrEqual(50);
  });

  test("v1 pushed to stable: both agents switch from the online model and ship records scored by v1", async () => {
    const r = await push("v1", "--channel", "stable");
    expect([r.code, r.stdout]).toEqual([0, expect.stringContaining("host-ae@1 published")]);
    const onV1 = async (who: "canary" | "stable") => (await status(agents[who].api)).registry.accepted === "1";
    timings.v1_both = await waitUntil(
      "both agents on v1",
      async () => (await versionOf("canary")).name === MODEL && (await versionOf("stable")).name === MODEL,
    );
    await waitUntil("v1 accepted by both (probation passed)", async () => (await onV1("canary")) && (await onV1("stable")));
    for (const who of ["canary", "stable"] as const) {
      expect(await versionOf(who)).toMatchObject({ name: MODEL, version: "1", source: "registry", previous: { name: "online:default", source: "online" } });
      // Window 8: series warm up in 10 rounds (2.5 s); wait until v1 scores them.
      await waitUntil(`${who} ships v1 scores`, async () => (await fileRecords(agents[who].out)).some((x) => ver(x) === "1" && x.anomaly.score > 0));
    }
  });

  test("v2 to a 50 % canary: only the canary agent switches, within two poll intervals, and loses no point", async () => {
    const r = await push("v2");
    expect(r.stdout).toContain("host-ae@2 published: 2 files");
    // The channel is set over HTTP here so the switch is timed from the moment it moved.
    expect((await publisher("PUT", `/v1/models/${MODEL}/channels/canary`, { version: "2", rollout: 50 })).status).toBe(200);
    timings.canary_switch = await waitUntil("canary agent on v2", async () => (await versionOf("canary")).version === "2", 5000);
    expect(timings.canary_switch).toBeLessThan(2 * 500 * 1.2);
    const switched = agents.canary.proc.logs().find((l) => l.msg === "model switched" && l.to === "host-ae@2");
    expect(switched).toMatchObject({ from: "host-ae@1", cohort: "canary", keep_state: true });
    await waitUntil("canary ships v2 records", async () => (await fileRecords(agents.canary.out)).filter((x) => ver(x) === "2").length >= 5 * SERIES);
    await Bun.sleep(1200);
    expect(await versionOf("stable")).toMatchObject({ version: "1" });
    expect((await status(agents.stable.api)).registry.resolved).toMatchObject({ version: "1", cohort: "stable" });
    expect((await fileRecords(agents.stable.out)).some((x) => ver(x) === "2")).toBe(false);
    const records = await fileRecords(agents.canary.out);
    const seqs = records.map((x) => x.agent.seq).sort((a, b) => a - b);
    expect(seqs[0]).toBe(1);
    expect(seqs[seqs.length - 1]).toBe(seqs.length);
    const all = rounds(records).slice(0, -1);
    for (const g of all) expect([g.length, new Set(g.map((x) => x.metric.labels.series ?? JSON.stringify(x.metric))).size]).toEqual([SERIES, SERIES]);
    const versions = all.map((g) => [...new Set(g.map(ver))]);
    expect(versions.every((v) => v.length === 1)).toBe(true);
    const flat = versions.map((v) => v[0]).join("");
    expect(flat).toMatch(/^o*1+2+$/);
    // Same features (window, scaling): series states were kept, so v2's first round is not a warm-up.
    const [lastV1, firstV2] = [all[flat.indexOf("2") - 1], all[flat.indexOf("2")]];
    expect(lastV1.filter((x) => x.anomaly.score > 0).length).toBeGreaterThan(SERIES / 2);
    expect(firstV2.filter((x) => x.anomaly.score > 0).length).toBeGreaterThan(SERIES / 2);
  });

  test("refusals reach push-model with their reasons: corrupt file, wrong input shape, no or a bad token", async () => {
    const corrupt = await push("corrupt", "--channel", "stable");
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/^agent push-model: error: .*corrupt: sha256 mismatch for trees\.bin/);
    const shape = await push("wrong-shape", "--channel", "stable");
    expect(shape.code).toBe(1);
    expect(shape.stderr).toContain("422 model_load_failed");
    expect(shape.stderr).toContain("does not fit feature width 17");
    const bad = await runCli(["push-model", join(root, "v1"), "--registry", registry.url, "--token", "pub_wrong"]);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining("401 unauthorized: unknown token")]);
    const bare = await fetch(`${registry.url}/v1/models/${MODEL}/versions`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(bare.status).toBe(401);
    const channels = (await (await publisher("GET", `/v1/models/${MODEL}/channels`)).json()) as { channels: { channel: string; version: string }[] };
    expect(channels.channels.find((c) => c.channel === "stable")?.version).toBe("1");
  });

  test("rollbacks: the canary's agent returns to v1 from disk; after a promotion, a stable rollback brings both back to v1", async () => {
    expect((await publisher("POST", `/v1/models/${MODEL}/channels/canary/rollback`, { reason: "e2e" })).status).toBe(200);
    timings.canary_rollback = await waitUntil("canary agent back on v1", async () => (await versionOf("canary")).version === "1", 5000);
    expect((await status(agents.canary.api)).registry.resolved).toMatchObject({ version: "1", rollback: true });
    const downloads = agents.canary.proc.logs().filter((l) => l.msg === "model version downloaded and verified" && l.version === "1");
    expect(downloads.length).toBe(1);
    const promoted = await push("v2", "--channel", "stable");
    expect(promoted.stdout).toContain("already published (identical content)");
    timings.promote = await waitUntil("both on v2", async () => (await versionOf("canary")).version === "2" && (await versionOf("stable")).version === "2");
    await waitUntil(
      "v2 accepted by both",
      async () => (await status(agents.canary.api)).registry.accepted === "2" && (await status(agents.stable.api)).registry.accepted === "2",
    );
    expect((await publisher("POST", `/v1/models/${MODEL}/channels/stable/rollback`)).status).toBe(200);
    timings.stable_rollback = await waitUntil(
      "both back on v1",
      async () => (await versionOf("canary")).version === "1" && (await versionOf("stable")).version === "1",
      5000,
    );
    await waitUntil("v1 accepted again by the stable agent", async () => (await status(agents.stable.api)).registry.accepted === "1");
    const fleet = (await (await publisher("GET", "/v1/fleet")).json()) as { agents: { agent_id: string; heartbeat: { model: { version: string } } }[] };
    await waitUntil("fleet shows both on v1", async () => {
      const f = (await (await publisher("GET", "/v1/fleet")).json()) as typeof fleet;
      return f.agents.length === 2 && f.agents.every((a) => a.heartbeat.model.version === "1");
    });
  });

  test("registry down while an agent starts: it starts on its last good model from state.json and says so; it recovers when the registry returns", async () => {
    const port = new URL(registry.url).port;
    expect(await registry.proc.stop()).toBe(0);
    expect(await agents.stable.proc.stop()).toBe(0);
    const before = (await fileRecords(agents.stable.out)).length;
    const state = JSON.parse(await readFile(join(root, "stable/models/state.json"), "utf8"));
    expect(state).toMatchObject({ model: MODEL, current: { version: "1" }, previous: { version: "2" } });
    await start("stable");
    await agents.stable.proc.waitFor(/starting on the last good registry model \(from models\/state.json\)/);
    await agents.stable.proc.waitFor(/registry poll failed; running host-ae@1 \(last good registry model\)/);
    const s = await status(agents.stable.api);
    expect(s.model).toMatchObject({ name: MODEL, version: "1", source: "registry" });
    expect(s.registry).toMatchObject({ started_from: "state.json", accepted: "1", last_poll: { result: "error" } });
    await waitUntil("records after the restart", async () => (await fileRecords(agents.stable.out)).length > before + 2 * SERIES);
    expect((await fileRecords(agents.stable.out)).slice(before).every((x) => ver(x) === "1")).toBe(true);
    registry = await startRegistry(join(root, "registry"), `127.0.0.1:${port}`, TOKENS);
    procs.push(registry.proc);
    timings.recover = await waitUntil("a successful poll", async () => (await status(agents.stable.api)).registry.last_poll.result !== "error", 15_000);
    expect((await status(agents.stable.api)).model.version).toBe("1");
  });
});
