import { expect, test } from "bun:test";
import { KAFKA_COMPRESSIONS } from "./codecs.ts";
import { KAFKA_CONFIG_DEFAULTS, KafkaSinkSchema, toKafkaSinkConfig } from "./config.ts";

const ctx = { configDir: "/etc/agent", agentId: "edge-01", dataDir: "/var/agent" };
const parse = (entry: object) => toKafkaSinkConfig(KafkaSinkSchema.parse({ type: "kafka", id: "k", ...entry }), ctx);

test("defaults: brokers, topic, derived anomalies topic and client id, gzip, common batch", () => {
  expect(parse({})).toEqual({
    type: "kafka",
    id: "k",
    only: "all",
    batch: { maxRecords: 500, maxBytes: 1_000_000, maxWaitMs: 1000 },
    brokers: ["127.0.0.1:9092"],
    topic: "metrics",
    anomaliesTopic: "metrics-anomalies",
    clientId: "agent-edge-01",
    compression: "gzip",
  });
  expect(parse({ topic: "t", anomalies_topic: "a", client_id: "c" })).toMatchObject({ topic: "t", anomaliesTopic: "a", clientId: "c" });
  expect(KAFKA_CONFIG_DEFAULTS.compression).toBe("gzip");
});

test("compression: exactly the codecs the sink has", () => {
  for (const c of KAFKA_COMPRESSIONS) expect(parse({ compression: c }).compression).toBe(c);
  expect(KafkaSinkSchema.safeParse({ type: "kafka", id: "k", compression: "lz4" }).success).toBe(false);
});

test("bad brokers and topic names are refused, naming what was found", () => {
  const r = KafkaSinkSchema.safeParse({ type: "kafka", id: "k", brokers: ["nohost"], topic: "a topic" });
  expect(r.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
    ["brokers.0", 'expected host:port (port 0-65535), found "nohost"'],
    ["topic", "expected a Kafka topic name (letters, digits, '.', '_', '-'), found \"a topic\""],
  ]);
});

test("tls and sasl: paths resolved against the config dir, the password from a file or inline", () => {
  const c = parse({
    tls: { ca: "ca.pem", cert: "/pki/client.pem", key: "client.key", server_name: "kafka.internal" },
    sasl: { mechanism: "scram-sha-512", username: "agent", password_file: "kafka.password" },
  });
  expect(c.tls).toEqual({
    caFile: "/etc/agent/ca.pem",
    certFile: "/pki/client.pem",
    keyFile: "/etc/agent/client.key",
    serverName: "kafka.internal",
    verify: true,
  });
  expect(c.sasl).toEqual({ mechanism: "scram-sha-512", username: "agent", passwordFile: "/etc/agent/kafka.password" });
  expect(parse({ tls: true }).tls).toBe(true);
  expect(parse({ tls: false }).tls).toBeUndefined();
  expect(parse({ sasl: { mechanism: "plain", username: "u", password: "p" } }).sasl).toEqual({ mechanism: "plain", username: "u", password: "p" });
  expect(parse({}).tls).toBeUndefined();
});

test("tls/sasl mistakes are refused, naming the key", () => {
  const issues = (entry: object) => KafkaSinkSchema.safeParse({ type: "kafka", id: "k", ...entry }).error?.issues.map((i) => [i.path.join("."), i.message]);
  expect(issues({ sasl: { mechanism: "scram-sha-256", username: "u" } })).toEqual([
    ["sasl.password", `expected exactly one of password_file (a file holding the secret) or password (inline or "$\{VAR}"), found neither`],
  ]);
  expect(issues({ sasl: { mechanism: "scram-sha-256", username: "u", password: "p", password_file: "f" } })?.[0]?.[0]).toBe("sasl.password_file");
  expect(issues({ sasl: { mechanism: "gssapi", username: "u", password: "p" } })?.[0]?.[0]).toBe("sasl.mechanism");
  expect(issues({ tls: { cert: "c.pem" } })?.[0]?.[1]).toContain("expected both cert and key");
  expect(issues({ tls: { ca: "a.pem", cafile: "x" } })).toBeDefined();
});
