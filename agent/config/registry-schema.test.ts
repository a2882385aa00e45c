import { describe, expect, test } from "bun:test";
import { checkConfigText } from "./load.ts";

const ctx = { configDir: "/cfg", hostname: "box" };
const base = "sources: [{ type: synthetic, id: s, interval: 1s }]\nsinks: [{ type: stdout, id: o }]\n";
const check = (model: string, env: Record<string, string> = {}) => checkConfigText(`${base}model: ${model}\n`, "agent.yaml", env, ctx);

describe("model.registry", () => {
  test("defaults: channel stable, 30 s polls, 10 s heartbeats, 64 MiB bundles, online:default until a registry model is accepted", () => {
    const r = check('{ registry: { url: "http://reg:8700/", name: host-ae, token: agt_1 } }');
    expect(r.problems).toEqual([]);
    expect(r.config!.model).toEqual({
      online: "default",
      registry: {
        url: "http://reg:8700",
        name: "host-ae",
        channel: "stable",
        token: "agt_1",
        pollIntervalMs: 30_000,
        heartbeatIntervalMs: 10_000,
        maxBundleBytes: 64 * 1024 * 1024,
      },
    });
  });

  test("token from AGENT_REGISTRY_TOKEN; public_key resolved against the config directory; a bundle as the fallback", () => {
    const r = check("{ bundle: ./m, registry: { url: http://reg:8700, name: m, channel: canary, public_key: keys/reg.pub, poll_interval: 500ms } }", {
      AGENT_REGISTRY_TOKEN: "agt_env",
    });
    expect(r.problems).toEqual([]);
    expect(r.config!.model).toMatchObject({
      bundle: "/cfg/m",
      registry: { token: "agt_env", channel: "canary", publicKey: "/cfg/keys/reg.pub", pollIntervalMs: 500 },
    });
  });

  test("strict: every problem with its path (no token, bad url, unknown channel, unknown key)", () => {
    const r = check("{ registry: { url: ftp://x, name: m, channel: beta, poll: 1s } }");
    expect(r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'model.registry.url: expected an http:// or https:// URL, found "ftp://x"',
      'model.registry.channel: expected one of "stable", "canary", found "beta"',
      'model.registry: unknown key "poll"; allowed: url, name, channel, token, enroll_token_file, enroll_token, token_file, ca, public_key, publisher_keys, poll_interval, heartbeat_interval, max_bundle_size, request_timeout',
      "model.registry.token: no credential: set enroll_token_file (the registry's enroll.token), enroll_token, or token / token_file (legacy; or set AGENT_REGISTRY_TOKEN)",
    ]);
    const none = check("{ registry: { url: http://reg, name: m } }");
    expect(none.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "model.registry.token: no credential: set enroll_token_file (the registry's enroll.token), enroll_token, or token / token_file (legacy; or set AGENT_REGISTRY_TOKEN)",
    ]);
  });

  test("enrollment and publisher keys: the token file and key files resolve against the config's directory; inline base64 keys stay", () => {
    const inline = Buffer.alloc(32, 7).toString("base64");
    const r = check(`{ registry: { url: http://reg, name: m, enroll_token_file: ./enroll.token, publisher_keys: [./pub.pem, "${inline}"] } }`);
    expect(r.problems).toEqual([]);
    const reg = r.config!.model.registry!;
    expect(reg.token).toBeUndefined();
    expect(reg.enrollTokenFile).toMatch(/^\/.*\/enroll\.token$/);
    expect(reg.publisherKeys).toEqual([expect.stringMatching(/^\/.*\/pub\.pem$/), inline]);
  });

  test("max_bundle_size and request_timeout: sizes and durations, checked", () => {
    const r = check("{ registry: { url: http://reg, name: m, token: t, max_bundle_size: 8MiB, request_timeout: 5s } }");
    expect(r.problems).toEqual([]);
    expect(r.config!.model.registry).toMatchObject({ maxBundleBytes: 8 << 20, requestTimeoutMs: 5000 });
    const bad = check("{ registry: { url: http://reg, name: m, token: t, max_bundle_size: lots, request_timeout: -1 } }");
    expect(bad.problems.map((p) => p.path)).toEqual(["model.registry.max_bundle_size", "model.registry.request_timeout"]);
  });

  test("online and bundle together are still refused next to a registry", () => {
    const r = check("{ online: default, bundle: ./m, registry: { url: http://reg, name: m, token: t } }");
    expect(r.problems.map((p) => p.message)).toEqual([
      'expected exactly one of "online: <name>", "bundle: <dir>" or "registry: {…}", found both online and bundle',
    ]);
  });
});
