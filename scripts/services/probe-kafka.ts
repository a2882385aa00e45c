/**
 * Readiness probe used by scripts/services/up.sh: one Metadata round trip through kafkajs
 * (the client the agent uses), so "ready" means kafkajs can talk to the broker.
 * Usage: bun scripts/services/probe-kafka.ts 127.0.0.1:9092   (exit 0 = ready)
 */
import { Kafka, logLevel } from "kafkajs";

const broker = process.argv[2] ?? "127.0.0.1:9092";
const kafka = new Kafka({
  clientId: "services-probe",
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 2000,
  requestTimeout: 5000,
  retry: { retries: 0 },
});
const admin = kafka.admin();
try {
  await admin.connect();
  const { brokers, controller } = await admin.describeCluster();
  if (brokers.length === 0) throw new Error("metadata lists no broker");
  console.error(`[services] kafka: metadata ok (${brokers.length} broker(s), controller ${controller})`);
  await admin.disconnect();
  process.exit(0);
} catch (err) {
  console.error(`[services] kafka: probe failed: ${(err as Error).message}`);
  await admin.disconnect().catch(() => {});
  process.exit(1);
}
