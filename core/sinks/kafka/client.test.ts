/**
 * Integration tests against a REAL Kafka broker (started by `npm run services:up`).
 * They fail, not skip, when the broker is not reachable. Override with KAFKA_BROKERS (comma list).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CompressionTypes, type Admin } from "kafkajs";
import { createKafka, type KafkaLogRecord } from "./client";
import { waitFor } from "../../testing/wait-for.ts";
import { requireTcp } from "../testing/records.ts";

const BROKERS = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",").map((s) => s.trim());
const HINT = `Kafka is not reachable at ${BROKERS.join(",")}: run \`npm run services:up\` (see infra/README.md)`;

const tcpReachable = (hostPort: string, timeoutMs: number) => requireTcp(hostPort, HINT, timeoutMs);

let reachable: Promise<void>;
const logs: KafkaLogRecord[] = [];
const kafka = createKafka({
  brokers: BROKERS,
  clientId: "it-kafka-client",
  log: (r) => logs.push(r),
  retry: { retries: 3 },
});
let admin: Admin | undefined;
const topic = `it-sink-${Date.now().toString(36)}-${process.pid}`;

beforeAll(() => {
  reachable = tcpReachable(BROKERS[0]!, 2000);
  reachable.catch(() => {}); // reported by each test
});

afterAll(async () => {
  if (admin) {
    await admin.deleteTopics({ topics: [topic], timeout: 5000 }).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
});

describe("createKafka against a real broker", () => {
  test("create topic, produce 100 (acks -1, gzip), consume all back with a fresh group", async () => {
    await reachable;
    admin = kafka.admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const messages = Array.from({ length: 100 }, (_, seq) => ({
      key: `agent-it:${seq}`,
      value: JSON.stringify({ "agent.id": "agent-it", seq }),
      headers: { "agent.id": "agent-it" },
    }));
    const meta = await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages });
    expect(meta.every((m) => m.errorCode === 0)).toBe(true);
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `it-group-${Date.now().toString(36)}`, maxWaitTimeInMs: 250 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Map<number, number>();
    void consumer.run({
      eachMessage: async ({ message }) => {
        const { seq } = JSON.parse(message.value!.toString()) as { seq: number };
        expect(message.headers?.["agent.id"]?.toString()).toBe("agent-it");
        seen.set(seq, (seen.get(seq) ?? 0) + 1);
      },
    });
    try {
      await waitFor(() => seen.size >= 100, { timeoutMs: 20_000, what: `100 records consumed (got ${seen.size})` });
    } finally {
      await consumer.disconnect();
    }
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // kafkajs logs retriable errors at ERROR (e.g. the first group on a fresh broker waits for
    // __consumer_offsets: "The group coordinator is not available"); anything else is a failure.
    const retriable = /coordinator is not available|coordinator is loading|leader|not the correct coordinator/i;
    expect(logs.filter((l) => l.level === "error" && !retriable.test(`${l.message} ${String(l.error ?? "")}`))).toEqual([]);
  }, 30_000);
});
