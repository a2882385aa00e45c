/**
 * The sink conformance suite (core/sinks/testing) for the Kafka sink against the REAL broker
 * (`npm run services:up`; KAFKA_BROKERS overrides it). Fails, not skips, when it is down.
 * Refused credentials: a wrong SCRAM password on the private SASL_SSL broker of tls.test.ts.
 * Unavailable: a port nothing listens on. A proxy cannot bring it back (the broker advertises its
 * own address, clients then bypass the proxy), so recovery is not checked here.
 */
import { join } from "node:path";
import type { Admin, Consumer, Kafka } from "kafkajs";
import type { OutRecord } from "../../events.ts";
import { waitFor } from "../../testing/wait-for.ts";
import { deadPort, requireTcp } from "../testing/records.ts";
import { runSinkConformance } from "../testing/conformance.ts";
import { createKafka } from "./client.ts";
import { kafkaSasl, kafkaSsl } from "./security.ts";
import { createKafkaSink } from "./sink.ts";
import { sharedTlsBroker } from "./testing/tls-broker.ts";

const BROKERS = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",").map((s) => s.trim());
const HINT = `Kafka is not reachable at ${BROKERS.join(",")}: run \`npm run services:up\` (see infra/README.md)`;
const run = `${Date.now().toString(36)}-${process.pid}`;
const topic = `conf-points-${run}`;
const anomaliesTopic = `conf-anomalies-${run}`;
const kafka: Kafka = createKafka({ brokers: BROKERS, clientId: "conformance", logLevel: "nothing" });
let admin: Admin | undefined;
let consumer: Consumer | undefined;
/** Every message consumed so far: agent id → seqs; and the next offset per topic/partition. */
const got = new Map<string, number[]>();
const nextOffset = new Map<string, bigint>();

const sinkTo = (brokers: string[], extra: object = {}) =>
  createKafkaSink({ id: "kafka", brokers, topic, anomaliesTopic, clientId: "conformance", compression: "gzip", logLevel: "nothing", ...extra });

runSinkConformance("kafka", {
  setup: async () => {
    await requireTcp(BROKERS[0]!, HINT);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [topic, anomaliesTopic].map((t) => ({ topic: t, numPartitions: 2 })), waitForLeaders: true });
    consumer = kafka.consumer({ groupId: `conformance-${run}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic, anomaliesTopic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        const doc = JSON.parse(message.value!.toString()) as OutRecord["doc"];
        const seqs = got.get(doc.agent.id) ?? [];
        seqs.push(doc.agent.seq);
        got.set(doc.agent.id, seqs);
        nextOffset.set(`${t}/${partition}`, BigInt(message.offset) + 1n);
      },
    });
  },
  make: () => sinkTo(BROKERS),
  // What the broker holds: consume until every partition is read up to its high watermark.
  readBack: async (agentId) => {
    const ends: [string, bigint][] = [];
    for (const t of [topic, anomaliesTopic]) {
      for (const o of await admin!.fetchTopicOffsets(t)) ends.push([`${t}/${o.partition}`, BigInt(o.high)]);
    }
    await waitFor(() => ends.every(([k, high]) => (nextOffset.get(k) ?? 0n) >= high), { timeoutMs: 30_000, what: "consumer caught up" });
    return [...(got.get(agentId) ?? [])];
  },
  unavailable: async () => ({
    sink: sinkTo([`127.0.0.1:${await deadPort()}`], { startTimeoutMs: 300, connectionTimeoutMs: 300, probeTimeoutMs: 300, retry: { retries: 0 } }),
  }),
  // The private SASL_SSL broker (testing/tls-broker.ts, shared with tls.test.ts): a wrong SCRAM password.
  unauthorised: async () => {
    const b = await sharedTlsBroker();
    return {
      sink: createKafkaSink({
        id: "kafka",
        brokers: [b.broker],
        topic,
        anomaliesTopic,
        clientId: "conformance",
        logLevel: "nothing",
        ssl: kafkaSsl({ caFile: join(b.pki, "ca.pem"), verify: true }),
        sasl: kafkaSasl({ mechanism: "scram-sha-256", username: "scram-user", password: "not-the-password" }),
      }),
    };
  },
  timeoutMs: 30_000,
  teardown: async () => {
    await consumer?.disconnect().catch(() => {});
    await admin?.deleteTopics({ topics: [topic, anomaliesTopic], timeout: 5000 }).catch(() => {});
    await admin?.disconnect().catch(() => {});
  },
});
