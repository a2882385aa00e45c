/**
 * The registry commands as subprocesses of `bun agent/main.ts` (enabled once main.ts registers
 * them): `registry serve` with zero configuration, `push-model`, `fleet`, `registry keygen`.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

const MAIN = join(import.meta.dir, "..", "main.ts");
const wired = (await readFile(join(import.meta.dir, "index.ts"), "utf8")).includes("push-model.ts");
const procs: Subprocess[] = [];
afterAll(() => {
  for (const p of procs) p.kill();
});

function agent(args: string[], env: Record<string, string> = {}) {
  const p = Bun.spawnSync([process.execPath, MAIN, ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

async function serve(dataDir: string): Promise<{ url: string; stderr: string }> {
  const p = Bun.spawn([process.execPath, MAIN, "registry", "serve", "--data-dir", dataDir, "--listen", "127.0.0.1:0"], { stdout: "pipe", stderr: "pipe" });
  procs.push(p);
  const reader = p.stderr.getReader();
  let text = "";
  const deadline = Date.now() + 20_000;
  while (!/agent registry: (created|\S+ token in)[^\n]*enroll[^\n]*\n/.test(text) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const url = /serving (http:\/\/\S+)/.exec(text)?.[1];
  if (!url) throw new Error(`registry did not start: ${text}`);
  return { url, stderr: text };
}

test.skipIf(!wired)(
  "registry serve (zero config) → push-model with the token file → fleet table",
  async () => {
    const root = await mkdtemp(join(tmpdir(), "reg-cli-"));
    const { url, stderr } = await serve(join(root, "data"));
    expect(stderr).toContain(`created a publisher token in ${join(root, "data", "publisher.token")} (mode 0600)`);
    const token = (await readFile(join(root, "data", "publisher.token"), "utf8")).trim();
    expect(agent(["generate", "--n-series", "4", "--n-points", "400", "--output-dir", join(root, "d")]).code).toBe(0);
    expect(agent(["train", "--data", join(root, "d"), "--model", "robust-zscore", "--out", join(root, "rz")]).code).toBe(0);
    const push = agent(["push-model", join(root, "rz"), "--registry", url, "--name", "host-rz", "--channel", "canary", "--rollout", "25"], {
      AGENT_REGISTRY_TOKEN: token,
    });
    expect(push.stderr).toBe("");
    expect(push.code).toBe(0);
    expect(push.stdout).toContain("host-rz@1 published");
    expect(push.stdout).toContain("channel canary of host-rz → 1 at 25%");
    const unauth = agent(["push-model", join(root, "rz"), "--registry", url, "--token", "pub_wrong"]);
    expect(unauth.code).toBe(1);
    expect(unauth.stderr.trim().split("\n")).toHaveLength(1);
    expect(unauth.stderr).toContain("401 unauthorized");
    const fleet = agent(["fleet", "--registry", url, "--token", token]);
    expect(fleet.code).toBe(0);
    expect(fleet.stdout).toContain("0 agents");
  },
  90_000,
);

test.skipIf(!wired)("registry keygen writes a 0600 PKCS#8 key and its public key, and refuses to overwrite", async () => {
  const out = join(await mkdtemp(join(tmpdir(), "keygen-")), "reg.key");
  const r = agent(["registry", "keygen", "--out", out]);
  expect(r.code).toBe(0);
  expect((await stat(out)).mode & 0o777).toBe(0o600);
  expect(await readFile(out, "utf8")).toContain("BEGIN PRIVATE KEY");
  expect(await readFile(`${out}.pub`, "utf8")).toContain("BEGIN PUBLIC KEY");
  const again = agent(["registry", "keygen", "--out", out]);
  expect([again.code, again.stderr]).toEqual([2, expect.stringContaining("exists")]);
});

test.skipIf(!wired)("registry token refuses a --data-dir that holds no registry (a typo), creating nothing; --init creates one", async () => {
  const root = await mkdtemp(join(tmpdir(), "token-"));
  const typo = join(root, "registry-dta");
  const r = agent(["registry", "token", "--role", "agent", "--data-dir", typo]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toContain(`${typo}: not a registry data directory (no registry.db in it)`);
  expect(
    await stat(typo).then(
      () => "exists",
      () => "absent",
    ),
  ).toBe("absent");
  const init = agent(["registry", "token", "--role", "agent", "--data-dir", typo, "--init"]);
  expect([init.code, init.stdout.trim()]).toEqual([0, expect.stringMatching(/^agt_/)]);
  const again = agent(["registry", "token", "--role", "publisher", "--data-dir", typo]);
  expect([again.code, again.stdout.trim()]).toEqual([0, expect.stringMatching(/^pub_/)]);
});
