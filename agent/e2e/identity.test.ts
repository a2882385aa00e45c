/**
 * End to end with real processes: `agent registry serve --enroll-token-file` (no shared agent
 * token), `agent registry keygen` for the publisher, `agent push-model --sign-key`, and an
 * `agent run` with `enroll_token_file` and `publisher_keys`: it enrolls, installs the signed
 * model, refuses an unsigned one, and is cut off by `agent registry revoke`.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentCommand, Proc, runCli, startAgent, status, waitUntil } from "./registry-harness.ts";

const PUB = "pub_e2e-identity";
const ENR = "enr_e2e-identity";
let root = "";
const procs: Proc[] = [];
afterAll(async () => {
  for (const p of procs) await p.stop().catch(() => {});
});

const cli = async (args: string[], env: Record<string, string> = {}) => {
  const r = await runCli(args, env, root);
  if (r.code !== 0) throw new Error(`agent ${args.join(" ")}: ${r.stderr}`);
  return r;
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "identity-e2e-"));
  await cli(["generate", "--n-series", "4", "--n-points", "400", "--anomaly-ratio", "0", "--output-dir", "data", "--seed", "3"]);
  for (const v of ["1", "2"])
    await cli(["train", "--data", "data", "--model", "robust-zscore", "--window", "8", "--out", `v${v}`, "--name", "m", "--model-version", v]);
  await cli(["registry", "keygen", "--out", "publisher.key"]);
  await writeFile(join(root, "enroll.token"), `${ENR}\n`, { mode: 0o600 });
}, 120_000);

test("enroll → signed model installed → unsigned refused → revoked", async () => {
  const dataDir = join(root, "registry");
  const reg = new Proc(
    Bun.spawn([...agentCommand(), "registry", "serve", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--enroll-token-file", join(root, "enroll.token")], {
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, AGENT_REGISTRY_PUBLISHER_TOKEN: PUB, AGENT_REGISTRY_LEGACY_AGENT_TOKENS: "" },
    }),
  );
  procs.push(reg);
  const url = (await reg.waitFor(/serving (http:\/\/[\d.]+:\d+)/))[1];
  await reg.waitFor(/shared agent tokens refused/);
  const pushed = await cli(["push-model", "v1", "--registry", url, "--channel", "stable", "--sign-key", "publisher.key"], { AGENT_REGISTRY_TOKEN: PUB });
  expect(pushed.stdout).toMatch(/m@1 published: .*signed by publisher key [0-9a-f]{16}/);

  const agentDir = join(root, "agent");
  const config = join(root, "agent.yaml");
  await writeFile(
    config,
    `agent: { id: edge-e2e, data_dir: ${agentDir} }
sources: [{ type: synthetic, id: synth, series: 4, interval: 250ms, seed: 5 }]
model:
  registry: { url: "${url}", name: m, enroll_token_file: enroll.token, publisher_keys: [publisher.key.pub], poll_interval: 300ms, heartbeat_interval: 500ms }
sinks: [{ type: file, id: out, path: ${agentDir}/out.jsonl, batch: { max_wait: 100ms } }]
server: { listen: "127.0.0.1:0" }
`,
  );
  const a = await startAgent(config, { AGENT_REGISTRY_TOKEN: "" });
  procs.push(a.proc);
  await waitUntil("v1 from the registry", async () => (await status(a.api)).model.version === "1" && (await status(a.api)).model.source === "registry", 30_000);
  expect((await stat(join(agentDir, "registry", "credential.json"))).mode & 0o777).toBe(0o600);
  const cred = JSON.parse(await readFile(join(agentDir, "registry", "credential.json"), "utf8")) as { credential: string };
  expect((await readFile(join(dataDir, "registry.db"))).includes(Buffer.from(cred.credential))).toBe(false);
  await waitUntil("a heartbeat", async () => (await status(a.api)).registry.heartbeats.sent > 0);
  expect((await status(a.api)).registry).toMatchObject({ identity: "enrolled", publisher_keys: [expect.stringMatching(/^[0-9a-f]{16}$/)] });

  await cli(["push-model", "v2", "--registry", url, "--channel", "stable"], { AGENT_REGISTRY_TOKEN: PUB });
  await waitUntil("v2 refused as unsigned", async () => ((await status(a.api)).registry.errors.unsigned_bundle ?? 0) > 0, 20_000);
  expect((await status(a.api)).model.version).toBe("1");

  const revoked = await cli(["registry", "revoke", "edge-e2e", "--data-dir", dataDir]);
  expect(revoked.stdout).toContain("agent edge-e2e revoked");
  await waitUntil("heartbeats refused", async () => /403 revoked/.test((await status(a.api)).registry.heartbeats.last_error ?? ""), 20_000);
  expect((await status(a.api)).model.version).toBe("1");
}, 120_000);
