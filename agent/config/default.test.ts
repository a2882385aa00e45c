import { expect, test } from "bun:test";
import { DEFAULT_CONFIG_FILE, DEFAULT_CONFIG_YAML, loadDefaultConfig } from "./default.ts";

test("the embedded default config parses: synthetic, online:default, file + stdout anomalies, server", () => {
  const c = loadDefaultConfig({}, { configDir: "/srv", hostname: "edge" });
  expect(c.file).toBe(DEFAULT_CONFIG_FILE);
  expect(c.agent).toEqual({ id: "edge", dataDir: "/srv/var", hostName: "edge" });
  expect(c.sources).toEqual([{ type: "synthetic", id: "synth", intervalMs: 200, series: 50, anomalyRatio: 0.5, seed: 7 }]);
  expect(c.model).toEqual({ online: "default" });
  expect(c.sinks.map((s) => [s.type, s.only])).toEqual([
    ["file", "all"],
    ["stdout", "anomalies"],
  ]);
  expect(c.sinks[0]).toMatchObject({ path: "/srv/var/out.jsonl" });
  expect(c.server).toEqual({ enabled: true, host: "127.0.0.1", port: 8686 });
  expect(DEFAULT_CONFIG_YAML).toContain("online: default");
});

test("resolves against the working directory by default; the env still applies", () => {
  const c = loadDefaultConfig({ PROMETHEUS_PUSHGATEWAY: "pg:9091" });
  expect(c.agent.dataDir).toBe(`${process.cwd()}/var`);
  expect(c.telemetry.pushgateway).toBe("http://pg:9091");
});
