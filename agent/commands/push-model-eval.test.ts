import { afterAll, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRegistryServer, type RunningRegistry } from "../../core/registry/server.ts";
import { trainedBundle } from "../../core/registry/testing/fixtures.ts";
import { syntheticEvalSet } from "../../core/registry/testing/eval-fixtures.ts";
import { writeBundle } from "../../models/format/bundle.ts";
import type { RegistryError } from "../../models/registry-protocol/errors.ts";
import { pushModel } from "./push-model.ts";

let reg: RunningRegistry | undefined;
afterAll(async () => {
  await reg?.stop();
});

/** The test bundle written as a directory, its raw threshold scaled (×4 flags less: a worse model). */
async function bundleDir(root: string, version: string, scale: number): Promise<string> {
  const b = await trainedBundle("robust-zscore", "m", version);
  const { files: _f, ...m } = b.manifest;
  m.threshold.raw *= scale;
  const dir = join(root, `m${version}`);
  await writeBundle(
    dir,
    m,
    [...b.files].map(([path, data]) => ({ path, data })),
  );
  return dir;
}

test("push-model --eval-set uploads the set, waits for the registry's evaluation, and a gated stable refuses a worse version unless --override-reason", async () => {
  const root = await mkdtemp(join(tmpdir(), "push-eval-"));
  reg = await startRegistryServer({
    dataDir: join(root, "data"),
    port: 0,
    publisherTokens: ["pub_t"],
    agentTokens: ["agt_t"],
    evalCommand: [process.execPath, join(import.meta.dir, "../main.ts")],
  });
  const set = await syntheticEvalSet();
  const evalDir = join(root, "eval");
  for (const [p, text] of Object.entries(set.files)) await Bun.write(join(evalDir, p), text);
  await Bun.write(join(evalDir, "README.txt"), "not part of the set");
  const o = { registry: reg.url, token: "pub_t" };
  const first = await pushModel({ ...o, bundle: await bundleDir(root, "1", 2), evalSet: evalDir, channel: "stable" });
  expect(first.evalSet).toMatchObject({ series: 6, points: 9000, queued: ["1"] });
  expect(first.channel).toMatchObject({ version: "1" });
  const gate = await fetch(`${reg.url}/v1/models/m/channels/stable/gate`, {
    method: "PUT",
    headers: { authorization: "Bearer pub_t", "content-type": "application/json" },
    body: JSON.stringify({ metric: "event_f1" }),
  });
  expect(gate.status).toBe(200);
  const worse = await bundleDir(root, "2", 4);
  const refused = (await pushModel({ ...o, bundle: worse, channel: "stable" }).catch((e) => e)) as RegistryError;
  expect([refused.status, refused.code]).toEqual([409, "eval_worse"]);
  const forced = await pushModel({ ...o, bundle: worse, channel: "stable", overrideReason: "accepted: fewer false alarms matter more this week" });
  expect(forced.channel).toMatchObject({ version: "2" });

  // `agent registry promote` (the CLI, as a process): back to the better version 1, then 2 is refused again
  // (spawned asynchronously: the registry serves from this very process)
  const promote = async (version: string) => {
    const p = Bun.spawn(
      [process.execPath, join(import.meta.dir, "../main.ts"), "registry", "promote", "--registry", reg!.url, "--model", "m", "--model-version", version],
      { env: { ...process.env, AGENT_REGISTRY_TOKEN: "pub_t" }, stdout: "pipe", stderr: "pipe" },
    );
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { code, stdout, stderr };
  };
  const back = await promote("1");
  expect([back.code, back.stdout.trim()]).toEqual([0, "channel stable of m → 1 at 100%"]);
  const again = await promote("2");
  expect(again.code).not.toBe(0);
  expect(again.stderr).toContain("eval_worse");
  expect(again.stderr).toContain("worse than stable 1's");
}, 120_000);
