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
