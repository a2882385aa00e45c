import { expect, test } from "bun:test";
import { exampleConfig } from "./example.ts";
import { checkConfigText } from "./load.ts";
import { SINKS } from "../../core/sinks/catalog.ts";
import { SOURCES } from "../../core/sources/catalog.ts";

const ctx = { configDir: "/etc/agent", hostname: "h" };

test("the example parses as printed: synthetic → file + stdout, no services needed", () => {
  const r = checkConfigText(exampleConfig(), "example.yaml", {}, ctx);
  expect(r.problems).toEqual([]);
  expect(r.config!.sources.map((s) => s.type)).toEqual(["synthetic"]);
  expect(r.config!.sinks.map((s) => s.type)).toEqual(["file", "stdout"]);
  expect(r.config!.telemetry.pushgateway).toBeUndefined();
  expect(r.config!.buffer).toMatchObject({
    type: "disk",
    maxBytes: 256 << 20,
    whenFull: "block",
    fsync: "interval",
    segmentBytes: 8 << 20,
    dir: "/etc/agent/var/buffer",
  });
});

test("with every optional block uncommented, all component types parse", () => {
  const r = checkConfigText(exampleConfig({ enableAll: true }), "example.yaml", { AGENT_REGISTRY_TOKEN: "agt_x" }, ctx);
  expect(r.problems).toEqual([]);
  expect(r.config!.sources.map((s): string => s.type)).toEqual(Object.keys(SOURCES));
  expect(r.config!.model).toEqual({
    online: "default",
    alarmsPerDay: 0.1,
    registry: {
      url: "http://127.0.0.1:8700",
      name: "host-ae",
      channel: "stable",
      token: "agt_x",
      enrollTokenFile: "/etc/agent/enroll.token",
      publisherKeys: ["/etc/agent/publisher.key.pub"],
      pollIntervalMs: 30_000,
      heartbeatIntervalMs: 10_000,
      maxBundleBytes: 64 << 20,
      requestTimeoutMs: 30_000,
    },
  });
  // Every sink type, those that need no service first.
  const sinkTypes = r.config!.sinks.map((s): string => s.type);
  expect(sinkTypes.slice(0, 4)).toEqual(["file", "stdout", "kafka", "elasticsearch"]);
  expect([...sinkTypes].sort()).toEqual(Object.keys(SINKS).sort());
  expect(r.config!.telemetry.pushgateway).toBe("http://127.0.0.1:9091");
});

test("the commented-out blocks are the enabled ones with '# ' inserted", () => {
  const on = exampleConfig({ enableAll: true }).split("\n");
  const off = exampleConfig().split("\n");
  expect(off.length).toBe(on.length);
  off.forEach((line, i) => expect(line === on[i] || line.replace("# ", "") === on[i]).toBe(true));
});

test("every top-level key and component type is explained", () => {
  const text = exampleConfig();
  for (const key of ["agent:", "sources:", "model:", "scoring:", "sinks:", "server:", "telemetry:", "buffer:"]) expect(text).toContain(`\n${key}`);
  for (const type of [...Object.keys(SOURCES), ...Object.keys(SINKS)]) expect(text).toContain(`type: ${type}`);
  expect(text).toContain("yaml-language-server: $schema=");
});
