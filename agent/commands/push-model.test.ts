import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRegistryServer, type RunningRegistry } from "../../core/registry/server.ts";
import { trainedBundle } from "../../core/registry/testing/fixtures.ts";
import { writeBundle } from "../../models/format/bundle.ts";
import type { RegistryError } from "../../models/registry-protocol/errors.ts";
import { pushModel } from "./push-model.ts";

let reg: RunningRegistry;
let bundleDir = "";
let otherDir = "";
beforeAll(async () => {
  const root = await mkdtemp(join(tmpdir(), "push-"));
  reg = await startRegistryServer({ dataDir: join(root, "data"), port: 0, publisherTokens: ["pub_t"], agentTokens: ["agt_t"], legacyAgentTokens: true });
  const b = await trainedBundle("isolation-forest", "iforest", "1");
  const { files: _f, ...m } = b.manifest;
  bundleDir = join(root, "bundle");
  await writeBundle(
    bundleDir,
    m,
    [...b.files].map(([path, data]) => ({ path, data })),
  );
  otherDir = join(root, "other");
  await writeBundle(
    otherDir,
    { ...m, created_at: "2031-01-01T00:00:00Z" },
    [...b.files].map(([path, data]) => ({ path, data })),
  );
}, 60_000);
afterAll(async () => {
  await reg?.stop();
});

test("pushModel publishes a bundle directory under a new name/version and starts a canary (default 10 %)", async () => {
  const r = await pushModel({ bundle: bundleDir, registry: reg.url, token: "pub_t", name: "host-if", version: "3", channel: "canary" });
  expect(r.published).toMatchObject({ model: "host-if", version: "3", created: true });
  expect(r.files).toBe(1);
  expect(r.channel).toMatchObject({ channel: "canary", version: "3", rollout: 10 });
  const again = await pushModel({ bundle: bundleDir, registry: reg.url, token: "pub_t", name: "host-if", version: "3", channel: "stable", rollout: 100 });
  expect(again.published.created).toBe(false);
  expect(again.channel).toMatchObject({ channel: "stable", rollout: 100 });
});

test("pushModel surfaces the registry's refusals: 409 other content, 401 no token, 403 agent token", async () => {
  const e = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (x) => x as RegistryError,
    );
  await pushModel({ bundle: bundleDir, registry: reg.url, token: "pub_t", name: "dup", version: "1" });
  const conflict = await e(pushModel({ bundle: otherDir, registry: reg.url, token: "pub_t", name: "dup", version: "1" }));
  expect([conflict?.status, conflict?.code]).toEqual([409, "version_exists"]);
  expect((await e(pushModel({ bundle: bundleDir, registry: reg.url })))?.status).toBe(401);
  expect((await e(pushModel({ bundle: bundleDir, registry: reg.url, token: "agt_t" })))?.status).toBe(403);
  expect((await e(pushModel({ bundle: bundleDir, registry: reg.url, token: "pub_t", name: "../x" })))?.message).toContain("--name");
  expect((await e(pushModel({ bundle: tmpdir(), registry: reg.url, token: "pub_t" })))?.message).toContain("not a model bundle");
  const down = await e(pushModel({ bundle: bundleDir, registry: "http://127.0.0.1:9", token: "pub_t" }));
  expect(down?.status).toBe(0);
});

test("a FIFO (or symlink) in the bundle directory is refused at once with a clear error, never a hang", async () => {
  const { cp, rm, symlink, readdir } = await import("node:fs/promises");
  const dir = `${bundleDir}-fifo`;
  await cp(bundleDir, dir, { recursive: true });
  const file = (await readdir(dir)).find((f) => f !== "manifest.json")!;
  await rm(join(dir, file));
  expect(Bun.spawnSync(["mkfifo", join(dir, file)]).exitCode).toBe(0);
  const e = (await pushModel({ bundle: dir, registry: reg.url, token: "pub_t", name: "fifo", version: "1" }).catch((x: Error) => x)) as Error;
  expect(e.message).toBe(`${dir}: ${file}: is a FIFO; bundles hold regular files only`);
  await rm(join(dir, file));
  await symlink(join(bundleDir, file), join(dir, file));
  expect(((await pushModel({ bundle: dir, registry: reg.url, token: "pub_t", name: "fifo", version: "1" }).catch((x: Error) => x)) as Error).message).toContain(
    "symbolic link",
  );
});
