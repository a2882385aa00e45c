import { expect, test } from "bun:test";
import { applyEnvDefaults } from "./env-defaults.ts";
import { envDefaults, envValue } from "./env.ts";
import { SINKS } from "../../core/sinks/catalog.ts";

const tree = () => ({
  sources: [],
  sinks: [
    { type: "kafka", id: "k" },
    { type: "kafka", id: "k2", brokers: ["b:1"], topic: "t" },
    { type: "elasticsearch", id: "e", index: "i" },
    "not a mapping",
  ],
});

test("fills kafka brokers/topic and elasticsearch hosts from the environment, only where missing", () => {
  const r = applyEnvDefaults(tree(), { KAFKA_BOOTSTRAP_SERVERS: "k1:9092,k2:9092", ELASTICSEARCH_HOST: "es:9200" });
  const sinks = (r.value as { sinks: Record<string, unknown>[] }).sinks;
  expect(sinks[0]).toMatchObject({ brokers: ["k1:9092", "k2:9092"], topic: "metrics" });
  expect(sinks[1]).toMatchObject({ brokers: ["b:1"], topic: "t" });
  expect(sinks[2]).toMatchObject({ hosts: ["http://es:9200"] });
  expect(sinks[3] as unknown).toBe("not a mapping");
  expect(r.origins).toEqual([
    { path: ["sinks", 0, "brokers"], variable: "KAFKA_BOOTSTRAP_SERVERS" },
    { path: ["sinks", 2, "hosts"], variable: "ELASTICSEARCH_HOST" },
  ]);
});

test("fallbacks without environment", () => {
  const sinks = (applyEnvDefaults(tree(), {}).value as { sinks: Record<string, unknown>[] }).sinks;
  expect(sinks[0]).toMatchObject({ brokers: ["127.0.0.1:9092"], topic: "metrics" });
  expect(sinks[2]).toMatchObject({ hosts: ["http://127.0.0.1:9200"] });
});

test("PROMETHEUS_PUSHGATEWAY creates telemetry.pushgateway unless the YAML sets it", () => {
  expect((applyEnvDefaults({}, { PROMETHEUS_PUSHGATEWAY: "pg:9091" }).value as any).telemetry).toEqual({ pushgateway: "http://pg:9091" });
  const kept = applyEnvDefaults({ telemetry: { pushgateway: "http://mine:1" } }, { PROMETHEUS_PUSHGATEWAY: "pg:9091" });
  expect((kept.value as any).telemetry.pushgateway).toBe("http://mine:1");
  expect((applyEnvDefaults({}, {}).value as any).telemetry).toBeUndefined();
});

test("does not modify its input", () => {
  const t = tree();
  applyEnvDefaults(t, {});
  expect(t.sinks[0]).toEqual({ type: "kafka", id: "k" });
});

test("every variable a sink component declares is one envDefaults reads", () => {
  const d = envDefaults({});
  for (const sink of Object.values(SINKS))
    for (const variable of Object.values(("env" in sink && sink.env) || {})) expect(() => envValue(d, variable)).not.toThrow();
  expect(() => envValue(d, "NOPE")).toThrow("NOPE");
});
