/**
 * The registry over HTTPS, for real: `agent registry serve --tls-cert --tls-key` as a subprocess
 * with a certificate from a test CA (scripts/services/tls-certs.sh, openssl), a model published
 * over HTTPS, and the agent's updater (its own fetch, no injection) pulling it with
 * `model.registry.ca` + `token_file`. Without the CA, or with another CA, it refuses with the
 * TLS reason. The server refuses an expired certificate and a key that is not the certificate's.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pino from "pino";
import type { Subprocess } from "bun";
import { trainedEnvelope } from "../../core/registry/testing/fixtures.ts";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { createRegistryClient } from "../../models/registry-protocol/client.ts";
import type { RegistryModelConfig } from "../config/types.ts";
import { pollOnce } from "./poll.ts";
import { updaterStatus } from "./status.ts";
import { registryFetch } from "./transport.ts";
import { ModelUpdater } from "./updater.ts";

const REPO = resolve(import.meta.dir, "../..");
const MAIN = join(REPO, "agent/main.ts");
const root = mkdtempSync(join(tmpdir(), "registry-https-"));
const pki = join(root, "pki");
const data = join(root, "data");
let proc: Subprocess<"ignore", "pipe", "pipe"> | undefined;
let url = "";
let stderr = "";

beforeAll(async () => {
  execFileSync("bash", [join(REPO, "scripts/services/tls-certs.sh"), pki], { stdio: "pipe" });
  proc = Bun.spawn(
    [
      process.execPath,
      MAIN,
      "registry",
      "serve",
      "--data-dir",
      data,
      "--listen",
      "127.0.0.1:0",
      "--tls-cert",
      join(pki, "server.pem"),
      "--tls-key",
      join(pki, "server.key"),
      // this test's agents use a shared token file (token_file); enrollment is tested in identity.test.ts
      "--legacy-agent-tokens",
    ],
    { stdout: "pipe", stderr: "pipe", stdin: "ignore" },
  );
  const reader = proc.stderr.getReader();
  const deadline = performance.now() + 30_000;
  while (!/agent registry: (created an? |)agent token/.test(stderr) && performance.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    stderr += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  url = /serving (https:\/\/\S+)/.exec(stderr)?.[1] ?? "";
  if (!url) throw new Error(`registry serve --tls-cert did not start over HTTPS:\n${stderr}`);
  const ca = await Bun.file(join(pki, "ca.pem")).text();
  const publisher = (await Bun.file(join(data, "publisher.token")).text()).trim();
  const pub = createRegistryClient({ url, token: publisher, fetch: registryFetch(ca) });
  await pub.publish(await trainedEnvelope("robust-zscore", "m", "1"));
  await pub.setChannel("m", "stable", { version: "1" });
}, 90_000);

afterAll(() => {
  proc?.kill();
  rmSync(root, { recursive: true, force: true });
});

function updater(registry: Partial<RegistryModelConfig>) {
  const lines: string[] = [];
  const up = new ModelUpdater({
    registry: { url, name: "m", channel: "stable", tokenFile: join(data, "agent.token"), pollIntervalMs: 1000, heartbeatIntervalMs: 1000, ...registry },
    agentId: "edge-tls",
    hostName: "box",
    dataDir: mkdtempSync(join(root, "agent-")),
    fallbackRef: "online:default",
    log: pino({ level: "info" }, { write: (s: string) => void lines.push(s) }),
    telemetry: new Telemetry({ defaultMetrics: false }),
  });
  return { up, lines };
}

describe("registry over HTTPS (agent registry serve --tls-cert/--tls-key, a test CA)", () => {
  test("the server says it serves HTTPS with the certificate and its expiry", () => {
    expect(url).toStartWith("https://127.0.0.1:");
    expect(stderr).toContain(`TLS certificate ${join(pki, "server.pem")}, valid until`);
  });

  test("with model.registry.ca and token_file the updater pulls and switches to the published model", async () => {
    const { up } = updater({ ca: join(pki, "ca.pem") });
    let current = await up.init();
    up.attach({
      current: () => current,
      swap: async (m) => {
        const old = current;
        current = m;
        return old;
      },
      facts: () => ({ bufferDepth: 0, sinks: [] }),
    });
    expect(await pollOnce(up)).toMatchObject({ result: "switched", version: "1" });
    expect(current.version).toBe("1");
  }, 60_000);

  test("without the CA, or with another CA, it refuses with the TLS reason (status and log)", async () => {
    for (const ca of [undefined, join(pki, "other-ca.pem")]) {
      const { up, lines } = updater(ca ? { ca } : {});
      const current = await up.init();
      up.attach({ current: () => current, swap: async () => current, facts: () => ({ bufferDepth: 0, sinks: [] }) });
      const r = await pollOnce(up);
      expect(r.result).toBe("error");
      expect(r.detail).toContain("TLS: the server's certificate is not signed by a trusted CA");
      expect(r.detail).toContain(ca ? "model.registry.ca is set" : "model.registry.ca is not set");
      expect((updaterStatus(up).last_error as { message: string }).message).toContain("TLS:");
      expect(lines.some((l) => l.includes("registry poll failed") && l.includes("TLS:"))).toBe(true);
      expect(current.name).toBe("online:default");
    }
  }, 60_000);

  test("serve refuses an expired certificate, a key that is not the certificate's, and a lone --tls-cert", () => {
    const run = (args: string[]) =>
      Bun.spawnSync([process.execPath, MAIN, "registry", "serve", "--data-dir", join(root, "x"), "--listen", "127.0.0.1:0", ...args], {
        stderr: "pipe",
        stdout: "pipe",
      });
    const expired = run(["--tls-cert", join(pki, "expired.pem"), "--tls-key", join(pki, "expired.key")]);
    expect([expired.exitCode, expired.stderr.toString()]).toEqual([2, expect.stringContaining("certificate expired on Jan  2 00:00:00 2020 GMT")]);
    const mismatch = run(["--tls-cert", join(pki, "server.pem"), "--tls-key", join(pki, "client.key")]);
    expect([mismatch.exitCode, mismatch.stderr.toString()]).toEqual([2, expect.stringContaining("is not the private key of the certificate")]);
    const lone = run(["--tls-cert", join(pki, "server.pem")]);
    expect([lone.exitCode, lone.stderr.toString()]).toEqual([2, expect.stringContaining("--tls-cert and --tls-key go together")]);
  }, 60_000);
});
