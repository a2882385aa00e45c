/**
 * The Kafka sink against a REAL broker with a SASL_SSL listener and SCRAM users (a private
 * broker started here, shared with conformance.test.ts: scripts/services/kafka-tls.sh, own ports and temp dir, the services' jar
 * cache; certificates made with openssl). Fails, never skips, when it cannot start.
 *
 * Cases: SCRAM-SHA-512 / SCRAM-SHA-256 / PLAIN delivery through the config path (password file,
 * CA file); wrong password → the driver halts with the reason, every record kept; unknown CA and
 * a wrong server name → TLS reason in the probe (/readyz), the counters and the log, retried.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Kafka } from "kafkajs";
import pino from "pino";
import { MemoryBuffer } from "../../buffer/memory.ts";
import { readinessReasons } from "../../pipeline/slots.ts";
import { Telemetry } from "../../telemetry/metrics.ts";
import { waitFor } from "../../testing/wait-for.ts";
import { SinkDriver } from "../driver.ts";
import { makeBatch } from "../testing/records.ts";
import { createKafka } from "./client.ts";
import { kafkaSink } from "./component.ts";
import { KafkaSinkSchema } from "./config.ts";
import { kafkaSasl, kafkaSsl } from "./security.ts";
import { sharedTlsBroker, type TlsBroker } from "./testing/tls-broker.ts";

let b: TlsBroker;
let ready: Promise<void>;
const run = `${Date.now().toString(36)}-${process.pid}`;

beforeAll(() => {
  ready = (async () => {
    b = await sharedTlsBroker();
    writeFileSync(join(b.dir, "scram.password"), "scram-secret\n", { mode: 0o600 });
    writeFileSync(join(b.dir, "wrong.password"), "not-the-password\n", { mode: 0o600 });
    console.error(`[kafka tls] SASL_SSL broker ${b.broker} ready in ${b.startupMs} ms`);
  })();
  ready.catch(() => {});
}, 120_000);

// The broker is shared with conformance.test.ts and stopped when the test process exits.

/** A sink built the way `agent run` builds it: YAML entry → schema → runtime config → component. */
function sinkFrom(entry: Record<string, unknown>, id = "k") {
  const file = KafkaSinkSchema.parse({ type: "kafka", id, brokers: [b.broker], topic: `tls-${run}`, ...entry });
  const config = kafkaSink.toConfig(file, { configDir: b.dir, agentId: "edge", dataDir: b.dir });
  return { config, sink: kafkaSink.build(config, pino({ level: "silent" })) };
}

/** A consumer's client with the right credentials. */
function adminKafka(): Kafka {
  return createKafka({
    brokers: [b.broker],
    clientId: "it-tls-reader",
    logLevel: "nothing",
    ssl: kafkaSsl({ caFile: join(b.pki, "ca.pem"), verify: true }),
    sasl: kafkaSasl({ mechanism: "scram-sha-512", username: "scram-user", password: "scram-secret" }),
  });
}

async function countMessages(topic: string): Promise<number> {
  const admin = adminKafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

function drive(sink: ReturnType<typeof sinkFrom>["sink"]) {
  const lines: string[] = [];
  const log = pino({ level: "info" }, { write: (s: string) => void lines.push(s) });
  const buffer = new MemoryBuffer();
  const driver = new SinkDriver(
    sink,
    buffer,
    { maxWaitMs: 20, backoff: { initialMs: 50, maxMs: 200 }, probeEveryMs: 100 },
    new Telemetry({ defaultMetrics: false }),
    log,
  );
  return { driver, buffer, lines };
}

describe("Kafka sink over SASL_SSL (real broker, SCRAM users, test CA)", () => {
  test("SCRAM-SHA-512 with password_file and ca: delivered through the driver, every record on the topic", async () => {
    await ready;
    const topic = `tls-${run}`;
    const { sink } = sinkFrom({ tls: { ca: "pki/ca.pem" }, sasl: { mechanism: "scram-sha-512", username: "scram-user", password_file: "scram.password" } });
    const { driver, buffer } = drive(sink);
    await buffer.attach([sink.id]);
    await driver.start();
    await buffer.append(makeBatch("edge", 40));
    await waitFor(() => driver.status().delivered === 40, { timeoutMs: 30_000, what: "40 records delivered over SASL_SSL" });
    expect(await driver.stop(5000)).toBe(0);
    expect(await countMessages(topic)).toBeGreaterThanOrEqual(36); // 36 points (+4 anomalies on the other topic)
    expect(await countMessages(`${topic}-anomalies`)).toBe(4);
  }, 60_000);

  test("SCRAM-SHA-256 and PLAIN (inline passwords) deliver too", async () => {
    await ready;
    for (const sasl of [
      { mechanism: "scram-sha-256", username: "scram-user", password: "scram-secret" },
      { mechanism: "plain", username: "plain-user", password: "plain-secret" },
    ]) {
      const { sink } = sinkFrom({ tls: { ca: "pki/ca.pem" }, sasl });
      await sink.start();
      const r = await sink.send(makeBatch("edge", 5));
      await sink.stop();
      expect({ mechanism: sasl.mechanism, delivered: r.delivered, errors: r.errors }).toEqual({ mechanism: sasl.mechanism, delivered: 5, errors: {} });
    }
  }, 60_000);

  test("wrong password: the driver halts with the broker's reason, nothing is lost, /readyz names it", async () => {
    await ready;
    const { sink } = sinkFrom(
      { tls: { ca: "pki/ca.pem" }, sasl: { mechanism: "scram-sha-256", username: "scram-user", password_file: "wrong.password" } },
      "k-wrong",
    );
    const { driver, buffer, lines } = drive(sink);
    await buffer.attach([sink.id]);
    await driver.start();
    await buffer.append(makeBatch("edge", 12));
    await waitFor(() => driver.status().state === "halted", { timeoutMs: 30_000, what: "the sink halted" });
    const st = driver.status();
    expect(st.halted_reason).toContain("kafka refused the credentials");
    expect(st.halted_reason).toContain("KafkaJSSASLAuthenticationError");
    expect(st.halted_reason).toMatch(/invalid credentials/i);
    expect(buffer.depth(sink.id)).toBe(12); // kept
    expect(st.delivered).toBe(0);
    expect(readinessReasons(true, [{ id: sink.id, driver }]).join("\n")).toContain("sink k-wrong halted: kafka refused the credentials");
    expect(lines.some((l) => l.includes("sink halted; its records are kept") && l.includes("refused the credentials"))).toBe(true);
    expect(await driver.stop(0)).toBe(12);
  }, 60_000);

  test("unknown CA: retried (not halted), counted as kafka_tls_*, probe and log name the TLS problem", async () => {
    await ready;
    const { sink } = sinkFrom(
      { tls: { ca: "pki/other-ca.pem" }, sasl: { mechanism: "scram-sha-512", username: "scram-user", password_file: "scram.password" } },
      "k-ca",
    );
    const { driver, buffer, lines } = drive(sink);
    await buffer.attach([sink.id]);
    await driver.start();
    await buffer.append(makeBatch("edge", 7));
    await waitFor(() => driver.status().retries >= 7, { timeoutMs: 30_000, what: "a failed attempt" });
    const probe = await sink.probe();
    expect(probe).toContain("TLS: the server's certificate is not signed by a trusted CA");
    expect(probe).toContain("SELF_SIGNED_CERT_IN_CHAIN");
    expect(driver.status().state).toBe("retrying");
    expect(driver.status().last_error).toContain("kafka_tls_SELF_SIGNED_CERT_IN_CHAIN");
    expect(lines.some((l) => l.includes("sink delivery failed; retrying") && l.includes("kafka_tls_SELF_SIGNED_CERT_IN_CHAIN"))).toBe(true);
    expect(readinessReasons(true, [{ id: sink.id, driver, probe }]).join("\n")).toContain("sink k-ca: kafka unreachable at");
    expect(await driver.stop(0)).toBe(7);
  }, 60_000);

  test("wrong server name: the name mismatch is named; verify: false (tests only) then connects", async () => {
    await ready;
    const sasl = { mechanism: "scram-sha-512", username: "scram-user", password_file: "scram.password" };
    const bad = sinkFrom({ tls: { ca: "pki/ca.pem", server_name: "kafka.example.com" }, sasl }).sink;
    const r = await bad.send(makeBatch("edge", 3));
    await bad.stop();
    expect(Object.keys(r.errors)).toEqual(["kafka_tls_ERR_TLS_CERT_ALTNAME_INVALID"]);
    expect(r.retry).toHaveLength(3);
    const lax = sinkFrom({ tls: { ca: "pki/other-ca.pem", verify: false }, sasl }).sink;
    const ok = await lax.send(makeBatch("edge", 3));
    await lax.stop();
    expect(ok.delivered).toBe(3);
  }, 60_000);

  test("mutual TLS (SSL listener requiring a client certificate): tls.cert/tls.key delivered; without them refused", async () => {
    await ready;
    const ok = sinkFrom({ brokers: [b.mtlsBroker], tls: { ca: "pki/ca.pem", cert: "pki/client.pem", key: "pki/client.key" } }, "k-mtls").sink;
    const r = await ok.send(makeBatch("edge", 4));
    await ok.stop();
    expect([r.delivered, r.errors]).toEqual([4, {}]);
    const anon = sinkFrom({ brokers: [b.mtlsBroker], tls: { ca: "pki/ca.pem" } }, "k-anon").sink;
    const refused = await anon.send(makeBatch("edge", 4));
    await anon.stop();
    expect([refused.delivered, refused.retry.length]).toEqual([0, 4]);
  }, 60_000);
});
