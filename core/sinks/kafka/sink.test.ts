/**
 * Kafka sink against a REAL broker (`npm run services:up`). Fails, not skips, when it is down.
 * Override the brokers with KAFKA_BROKERS (comma list).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Admin, Kafka } from "kafkajs";
import type { AnomalyRecord, OutRecord } from "../../events.ts";
import { deadPort, makeBatch, requireTcp } from "../testing/records.ts";
import { createKafka, type KafkaLogRecord } from "./client.ts";
import { createKafkaSink } from "./sink.ts";
import { waitFor } from "../../testing/wait-for.ts";

const BROKERS = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",").map((s) => s.trim());
const HINT = `Kafka is not reachable at ${BROKERS.join(",")}: run \`npm run services:up\` (see infra/README.md)`;
const run = `${Date.now().toString(36)}-${process.pid}`;
const topic = `it-points-${run}`;
const anomaliesTopic = `it-anomalies-${run}`;
const bigTopic = `it-big-${run}`;
const zTopic = `it-zstd-${run}`;
const logs: KafkaLogRecord[] = [];
const kafka: Kafka = createKafka({ brokers: BROKERS, clientId: "it-kafka-sink", log: (r) => logs.push(r) });
let admin: Admin | undefined;
let ready: Promise<void>;

beforeAll(() => {
  ready = (async () => {
    await requireTcp(BROKERS[0]!, HINT);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [topic, anomaliesTopic, bigTopic, zTopic].map((t) => ({ topic: t, numPartitions: 2 })),
      waitForLeaders: true,
    });
  })();
  ready.catch(() => {}); // reported by each test
});

afterAll(async () => {
  if (!admin) return;
  await admin.deleteTopics({ topics: [topic, anomaliesTopic, bigTopic, zTopic], timeout: 5000 }).catch(() => {});
  await admin.disconnect().catch(() => {});
});

/** Consumes `topics` from the beginning with a fresh group until `n` messages arrived. */
async function consume(topics: string[], n: number) {
  const got: { topic: string; key: string; value: OutRecord["doc"] }[] = [];
  const consumer = kafka.consumer({ groupId: `it-sink-${run}-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  void consumer.run({
    eachMessage: async ({ topic: t, message }) => {
      got.push({ topic: t, key: message.key!.toString(), value: JSON.parse(message.value!.toString()) });
    },
  });
  try {
    await waitFor(() => got.length >= n, { timeoutMs: 25_000, what: `${n} messages consumed` });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

describe("createKafkaSink against a real broker", () => {
  test("points go to topic, anomalies to anomaliesTopic, key = agent.id, value = the contract doc", async () => {
    await ready;
    const sink = createKafkaSink({ id: "k", brokers: BROKERS, topic, anomaliesTopic, clientId: "it-sink", compression: "gzip" });
    await sink.start();
    expect(await sink.probe()).toBeUndefined();
    const batch = makeBatch("agent-k", 200);
    const r = await sink.send(batch);
    expect(r).toEqual({ delivered: 200, retry: [], dead: [], errors: {} });
    await sink.stop();

    const got = await consume([topic, anomaliesTopic], 200);
    expect(got.length).toBe(200);
    expect(new Set(got.map((m) => m.key))).toEqual(new Set(["agent-k"]));
    const seqs = got.map((m) => m.value.agent.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i));
    for (const m of got) {
      const want = batch[m.value.agent.seq]!;
      expect(m.topic).toBe(want.kind === "anomaly" ? anomaliesTopic : topic);
      expect(m.value).toEqual(want.doc);
    }
    const a = got.find((m) => m.topic === anomaliesTopic)!.value as AnomalyRecord;
    expect(a.event.kind).toBe("alert");
    expect(a.anomaly.state).toBe("open");
  }, 40_000);

  test("10k records: none / gzip / zstd all delivered; a request over message.max.bytes is split in halves", async () => {
    await ready;
    // "none, one request" lets a 3 MB request through to the broker: MESSAGE_TOO_LARGE → halves.
    const cases = [
      { name: "none, one request", compression: "none", maxBytesPerRequest: 64 << 20, maxRecordsPerRequest: 100_000 },
      { name: "none", compression: "none" },
      { name: "gzip", compression: "gzip" },
      { name: "zstd", compression: "zstd" },
    ] as const;
    for (const c of cases) {
      const sink = createKafkaSink({ id: "k", brokers: BROKERS, topic: bigTopic, anomaliesTopic: bigTopic, clientId: "it-sink", ...c });
      await sink.start();
      const batch = makeBatch(`agent-${c.compression}`, 10_000);
      const t0 = performance.now();
      const r = await sink.send(batch);
      const ms = performance.now() - t0;
      expect(r.delivered).toBe(10_000);
      expect(r.retry.length + r.dead.length).toBe(0);
      if (c.name === "none, one request") expect(r.errors.kafka_message_too_large).toBeGreaterThan(0);
      else expect(r.errors).toEqual({});
      console.log(`kafka sink ${c.name}: 10k records in ${ms.toFixed(0)} ms = ${Math.round(10_000 / (ms / 1000))} records/s`, r.errors);
      await sink.stop();
    }
    const offsets = await admin!.fetchTopicOffsets(bigTopic);
    expect(offsets.reduce((s, o) => s + Number(o.high), 0)).toBe(40_000);
  }, 60_000);

  test("zstd batches read back intact by a kafkajs consumer", async () => {
    await ready;
    const sink = createKafkaSink({ id: "k", brokers: BROKERS, topic: zTopic, anomaliesTopic: zTopic, clientId: "it-sink", compression: "zstd" });
    const batch = makeBatch("agent-z", 1_200);
    expect((await sink.send(batch)).delivered).toBe(1_200);
    await sink.stop();
    const got = await consume([zTopic], 1_200);
    const seqs = got.map((m) => m.value.agent.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(batch.map((r) => r.doc.agent.seq));
    const points = got.filter((m) => m.value.event.kind === "metric").map((m) => m.value.agent.seq);
    expect(points).toEqual([...points].sort((a, b) => a - b)); // one partition, requests in order
    expect(got[7]!.value).toEqual(batch[7]!.doc);
  }, 40_000);
});

describe("createKafkaSink when the broker is down", () => {
  test("start does not throw, send → retry with a kafka_ error type, probe says unreachable fast", async () => {
    const port = await deadPort();
    const sink = createKafkaSink({
      id: "k",
      brokers: [`127.0.0.1:${port}`],
      topic: "t",
      anomaliesTopic: "a",
      clientId: "it-dead",
      compression: "gzip",
      logLevel: "nothing",
    });
    let t0 = performance.now();
    await sink.start();
    expect(performance.now() - t0).toBeLessThan(5_500);
    const batch = makeBatch("agent-d", 5);
    const r = await sink.send(batch);
    expect(r.delivered).toBe(0);
    expect(r.retry).toEqual(batch);
    expect(Object.keys(r.errors)).toHaveLength(1);
    expect(Object.keys(r.errors)[0]).toStartWith("kafka_KafkaJS");
    t0 = performance.now();
    const why = await sink.probe();
    expect(why).toContain("kafka unreachable");
    expect(performance.now() - t0).toBeLessThan(2_500);
    await sink.stop();
  }, 20_000);
});
