/** Kafka sink behaviour with a scripted fake kafkajs (no broker needed). */
import { describe, expect, test } from "bun:test";
import { KafkaJSError, KafkaJSNonRetriableError, KafkaJSProtocolError, type Kafka, type ProducerBatch } from "kafkajs";
import { makeBatch } from "../testing/records.ts";
import { createKafkaSink } from "./sink.ts";

type Script = (batch: ProducerBatch) => void;

/** A fake Kafka whose producers run `script` on every sendBatch; records producers made. */
function fakeKafka(script: Script) {
  const made: { connected: boolean; sent: number; disconnects: number }[] = [];
  const kafka = {
    producer: () => {
      const state = { connected: false, sent: 0, disconnects: 0 };
      made.push(state);
      return {
        events: { DISCONNECT: "producer.disconnect" },
        on: () => () => {},
        connect: async () => {
          state.connected = true;
        },
        disconnect: async () => {
          state.connected = false;
          state.disconnects++;
        },
        sendBatch: async (b: ProducerBatch) => {
          script(b);
          state.sent += b.topicMessages!.reduce((s, t) => s + t.messages.length, 0);
          return [];
        },
      };
    },
    admin: () => ({ connect: async () => {}, disconnect: async () => {}, describeCluster: async () => ({}) }),
  } as unknown as Kafka;
  return { kafka, made };
}

const base = { id: "k", brokers: ["fake:9092"], topic: "p", anomaliesTopic: "a", clientId: "c", compression: "none" as const };

function tooLarge(): Error {
  const cause = new KafkaJSProtocolError({ type: "MESSAGE_TOO_LARGE", code: 10, retriable: false, message: "too large" } as never);
  // kafkajs' retrier wraps a non-retriable protocol error like this (its typings omit the 2nd arg).
  const Ctor = KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: Error }) => Error;
  return new Ctor(cause, { cause });
}

describe("createKafkaSink (fake kafkajs)", () => {
  test("one sendBatch with both topics, acks -1, key = agent.id", async () => {
    const seen: ProducerBatch[] = [];
    const { kafka } = fakeKafka((b) => void seen.push(b));
    const sink = createKafkaSink({ ...base, kafka });
    await sink.start();
    expect(await sink.send(makeBatch("ag", 20))).toEqual({ delivered: 20, retry: [], dead: [], errors: {} });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.acks).toBe(-1);
    expect(seen[0]!.topicMessages!.map((t) => [t.topic, t.messages.length])).toEqual([
      ["p", 18],
      ["a", 2],
    ]);
    expect(seen[0]!.topicMessages![0]!.messages[0]!.key).toBe("ag");
    expect(await sink.send([])).toEqual({ delivered: 0, retry: [], dead: [], errors: {} });
  });

  test("a failed send → retry with kafka_<name>; the next send uses a new producer", async () => {
    let fail = true;
    const { kafka, made } = fakeKafka(() => {
      if (fail) throw new KafkaJSNonRetriableError("gave up");
    });
    const sink = createKafkaSink({ ...base, kafka });
    await sink.start();
    const batch = makeBatch("ag", 4);
    const r1 = await sink.send(batch);
    expect(r1).toEqual({ delivered: 0, retry: batch, dead: [], errors: { kafka_KafkaJSNonRetriableError: 1 }, unavailable: true });
    expect(made[0]!.disconnects).toBe(1);
    fail = false;
    expect((await sink.send(batch)).delivered).toBe(4);
    expect(made).toHaveLength(2);
    expect(made[1]!.sent).toBe(4);
  });

  test("too large → halves; a single record still too large → dead", async () => {
    const { kafka } = fakeKafka((b) => {
      const msgs = b.topicMessages!.flatMap((t) => t.messages);
      if (msgs.length > 2 || msgs.some((m) => JSON.parse(String(m.value)).agent.seq === 5)) throw tooLarge();
    });
    const sink = createKafkaSink({ ...base, kafka });
    const batch = makeBatch("ag", 8);
    const r = await sink.send(batch);
    expect(r.delivered).toBe(7);
    expect(r.retry).toEqual([]);
    expect(r.dead.map((x) => x.record)).toEqual([batch[5]!]);
    expect(r.dead[0]!.reason).toContain("too large");
    expect(r.errors.kafka_message_too_large).toBeGreaterThanOrEqual(3);
  });

  test("after a non-size failure in one half, the other half is retried without sending", async () => {
    let calls = 0;
    const { kafka } = fakeKafka((b) => {
      calls++;
      if (b.topicMessages!.flatMap((t) => t.messages).length > 4) throw tooLarge();
      throw new KafkaJSError("connection closed");
    });
    const sink = createKafkaSink({ ...base, kafka });
    const batch = makeBatch("ag", 8);
    const r = await sink.send(batch);
    expect(calls).toBe(2);
    expect(r.retry).toEqual(batch);
    expect(r.errors).toEqual({ kafka_message_too_large: 1, kafka_KafkaJSError: 1 });
  });

  test("a big batch → requests of maxRecordsPerRequest / maxBytesPerRequest, in order, a few in flight", async () => {
    const seen: number[][] = [];
    let inFlight = 0;
    let peak = 0;
    const kafka = fakeKafka(() => {}).kafka;
    const make = kafka.producer;
    (kafka as { producer: unknown }).producer = () => {
      const p = make.call(kafka) as { sendBatch: (b: ProducerBatch) => Promise<unknown> };
      p.sendBatch = async (b) => {
        seen.push(b.topicMessages!.flatMap((t) => t.messages.map((m) => JSON.parse(String(m.value)).agent.seq as number)));
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setImmediate(resolve)); // stay in flight while the others start
        inFlight--;
        return [];
      };
      return p;
    };
    const sink = createKafkaSink({ ...base, kafka, maxRecordsPerRequest: 100, inFlight: 3 });
    const batch = makeBatch("ag", 1_050);
    expect(await sink.send(batch)).toEqual({ delivered: 1_050, retry: [], dead: [], errors: {} });
    expect(seen.map((s) => s.length)).toEqual([...Array(10).fill(100), 50]);
    expect(seen.map((s) => s[0])).toEqual(Array.from({ length: 11 }, (_, i) => i * 100));
    expect(peak).toBe(3);
    seen.length = 0;
    const bytesSink = createKafkaSink({ ...base, kafka, maxBytesPerRequest: 10 * JSON.stringify(batch[0]!.doc).length });
    expect((await bytesSink.send(batch.slice(0, 40))).delivered).toBe(40);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...seen.map((s) => s.length))).toBeLessThanOrEqual(10);
  });

  test("a request failing with a non-size error → it and the requests not yet started in retry, in batch order", async () => {
    let calls = 0;
    const { kafka } = fakeKafka(() => {
      if (++calls === 2) throw new KafkaJSError("connection closed");
    });
    const sink = createKafkaSink({ ...base, kafka, maxRecordsPerRequest: 10, inFlight: 1 });
    const batch = makeBatch("ag", 50);
    const r = await sink.send(batch);
    expect(calls).toBe(2);
    expect(r.delivered).toBe(10);
    expect(r.retry).toEqual(batch.slice(10));
    expect(r.errors).toEqual({ kafka_KafkaJSError: 1 });
  });

  test("a connect that fails → every record in retry", async () => {
    const kafka = {
      producer: () => ({
        events: { DISCONNECT: "d" },
        on: () => () => {},
        connect: async () => {
          throw new KafkaJSNonRetriableError("no brokers");
        },
        disconnect: async () => {},
      }),
    } as unknown as Kafka;
    const sink = createKafkaSink({ ...base, kafka });
    await sink.start();
    const batch = makeBatch("ag", 3);
    expect(await sink.send(batch)).toEqual({ delivered: 0, retry: batch, dead: [], errors: { kafka_KafkaJSNonRetriableError: 1 }, unavailable: true });
  });
});
