/**
 * Kafka sink: one kafkajs `sendBatch` per batch, `acks: -1`, key = `agent.id`, value = the JSON
 * document of the data contract; points go to `topic`, anomaly records to `anomaliesTopic`.
 *
 * - `start()` tries to connect for at most `startTimeoutMs` and never throws; a send connects
 *   (or waits for the pending connect) when there is no producer.
 * - The broker refused the credentials (`KafkaJSSASLAuthenticationError`, an authorization
 *   error): the records in `retry` and the sink **halts** with the reason (retrying cannot help).
 * - A TLS certificate failure (unknown CA, expired, name mismatch) is counted as
 *   `kafka_tls_<code>` and retried; `probe()` (hence `/readyz`) names what to fix.
 * - Any other failure → every record of the batch in `retry`, counted as `kafka_<error name>`. After
 *   a failure (kafkajs gave up, non-retriable error, connection closed) the producer is
 *   dropped and a new one is created on the next send.
 * - `MESSAGE_TOO_LARGE` / `RECORD_LIST_TOO_LARGE` (a batch bigger than the broker's
 *   `message.max.bytes`: all records of one agent share a key, hence a partition) → the batch is
 *   split in halves and each half sent; a single record still too large → `dead`.
 * - A batch is sent as produce requests of at most `maxRecordsPerRequest` records /
 *   `maxBytesPerRequest` bytes, one at a time by default (see send.ts). Throughput:
 *   scripts/bench/pipeline.ts.
 *
 * Delivery is at least once: a batch retried after a partial write is written again; consumers
 * de-duplicate on `agent.id` + `agent.seq`.
 * @module
 */
import type { Kafka, KafkaConfig, Producer } from "kafkajs";
import type { Sink } from "../sink.ts";
import { countError, emptyResult } from "../shared/result.ts";
import { withTimeout } from "../shared/timeout.ts";
import { createKafka, type KafkaLogLevelName, type KafkaLogRecord } from "./client.ts";
import { compressionType, type KafkaCompression } from "./codecs.ts";
import { authFailure, describeKafkaError, kafkaErrorType } from "./errors.ts";
import { CachingDefaultPartitioner } from "./partitioner.ts";
import { KAFKA_REQUEST_DEFAULTS, sendSplitting, type KafkaTarget } from "./send.ts";

/** Options of {@link createKafkaSink}. */
export interface KafkaSinkOptions {
  /** Sink id (component id in metrics and `/status`). */
  id: string;
  /** Bootstrap brokers, e.g. `["127.0.0.1:9092"]`. */
  brokers: string[];
  /** Topic of scored points. */
  topic: string;
  /** Topic of anomaly records. */
  anomaliesTopic: string;
  /** Client id sent to the broker. */
  clientId: string;
  /**
   * Record batch compression (default {@link KAFKA_SINK_DEFAULTS}.compression, `"gzip"`).
   * `"zstd"` (Kafka ≥ 2.1) costs less CPU than gzip and compresses better; consumers need a
   * zstd codec (kafkajs: `registerKafkaCodecs()` from codecs.ts, which `createKafka` calls).
   */
  compression?: KafkaCompression;
  /** Records per produce request (default 1500). */
  maxRecordsPerRequest?: number;
  /** JSON bytes per produce request before compression (default 512 KiB; keep under `message.max.bytes`). */
  maxBytesPerRequest?: number;
  /** Produce requests in flight at once per batch (default 1; above 1 records may be reordered, see send.ts). */
  inFlight?: number;
  /** Max time `start()` waits for the first connect, ms (default 5000). */
  startTimeoutMs?: number;
  /** Max time of a `probe()`, ms (default 2000). */
  probeTimeoutMs?: number;
  /** TCP connect timeout, ms (default 3000). */
  connectionTimeoutMs?: number;
  /** Request timeout, ms (default 30 000). */
  requestTimeoutMs?: number;
  /** kafkajs' in-call retries; short by default because the sink driver retries with backoff. */
  retry?: KafkaConfig["retry"];
  /** Let the broker create missing topics on first send (default true; the broker must allow it). */
  allowAutoTopicCreation?: boolean;
  /** kafkajs log level (default `"warn"`) and log sink (default: JSON lines on stderr). */
  logLevel?: KafkaLogLevelName;
  log?: (record: KafkaLogRecord) => void;
  ssl?: KafkaConfig["ssl"];
  sasl?: KafkaConfig["sasl"];
  /** A ready kafkajs instance to use instead of building one (tests, shared clients). */
  kafka?: Kafka;
}

/** Named defaults of {@link KafkaSinkOptions}. */
export const KAFKA_SINK_DEFAULTS = {
  compression: "gzip",
  startTimeoutMs: 5_000,
  probeTimeoutMs: 2_000,
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 30_000,
  retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 },
  allowAutoTopicCreation: true,
  ...KAFKA_REQUEST_DEFAULTS,
} as const;

/**
 * Creates a Kafka {@link Sink}.
 *
 * @example
 * const sink = createKafkaSink({
 *   id: "kafka", brokers: ["127.0.0.1:9092"], clientId: "agent-01",
 *   topic: "agent-metrics", anomaliesTopic: "agent-anomalies", compression: "gzip",
 * });
 * await sink.start();
 * const r = await sink.send(batch); // { delivered, retry, dead, errors }
 * await sink.stop();
 */
export function createKafkaSink(opts: KafkaSinkOptions): Sink {
  const d = KAFKA_SINK_DEFAULTS;
  const kafka =
    opts.kafka ??
    createKafka({
      brokers: opts.brokers,
      clientId: opts.clientId,
      logLevel: opts.logLevel,
      log: opts.log,
      connectionTimeoutMs: opts.connectionTimeoutMs ?? d.connectionTimeoutMs,
      requestTimeoutMs: opts.requestTimeoutMs ?? d.requestTimeoutMs,
      retry: { ...d.retry, ...(opts.retry ?? {}) },
      ssl: opts.ssl,
      sasl: opts.sasl,
    });
  const target: KafkaTarget = {
    topic: opts.topic,
    anomaliesTopic: opts.anomaliesTopic,
    compression: compressionType(opts.compression ?? d.compression),
    maxRecordsPerRequest: opts.maxRecordsPerRequest ?? d.maxRecordsPerRequest,
    maxBytesPerRequest: opts.maxBytesPerRequest ?? d.maxBytesPerRequest,
    inFlight: opts.inFlight ?? d.inFlight,
  };
  const probeTimeoutMs = opts.probeTimeoutMs ?? d.probeTimeoutMs;
  let producer: Producer | undefined;
  let connecting: Promise<Producer> | undefined;
  let admin: ReturnType<Kafka["admin"]> | undefined;
  let adminConnecting: Promise<void> | undefined;
  let stopped = false;

  const drop = (p: { disconnect(): Promise<void> } | undefined) => void p?.disconnect().catch(() => {});

  function getProducer(): Promise<Producer> {
    if (producer) return Promise.resolve(producer);
    connecting ??= (async () => {
      const p = kafka.producer({
        allowAutoTopicCreation: opts.allowAutoTopicCreation ?? d.allowAutoTopicCreation,
        createPartitioner: CachingDefaultPartitioner, // Java-compatible murmur2 on the key, cached per key
      });
      p.on(p.events.DISCONNECT, () => {
        if (producer === p) producer = undefined;
      });
      try {
        await p.connect();
        if (stopped) throw new Error("kafka sink stopped");
        producer = p;
        return p;
      } catch (err) {
        drop(p);
        throw err;
      }
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  async function ensureAdmin(): Promise<ReturnType<Kafka["admin"]>> {
    if (!admin) {
      const a = kafka.admin({ retry: { retries: 0 } });
      admin = a;
      adminConnecting = a.connect();
    }
    await adminConnecting;
    return admin;
  }

  return {
    id: opts.id,
    type: "kafka",
    async start() {
      stopped = false;
      try {
        await withTimeout(getProducer(), opts.startTimeoutMs ?? d.startTimeoutMs, "kafka connect");
      } catch {
        // unreachable now: the next send connects again; probe() reports it.
      }
    },
    async send(batch) {
      if (batch.length === 0) return emptyResult();
      let p: Producer;
      try {
        p = await getProducer();
      } catch (err) {
        const result = emptyResult();
        countError(result, kafkaErrorType(err));
        result.retry.push(...batch);
        const halt = authFailure(err);
        if (halt) result.halt = halt;
        else result.unavailable = true;
        return result;
      }
      const { result, failure } = await sendSplitting(p, batch, target);
      if (failure !== undefined) {
        const halt = authFailure(failure);
        if (halt) result.halt = halt;
        if (producer === p) producer = undefined; // kafkajs gave up or the producer is broken: recreate
        drop(p);
        // kafkajs has already retried retriable broker errors itself: what is left is a broker
        // (or the cluster) not serving; retry as soon as it answers a probe.
        result.unavailable = true;
      }
      return result;
    },
    async probe() {
      try {
        await withTimeout(
          ensureAdmin().then((a) => a.describeCluster()),
          probeTimeoutMs,
          "kafka metadata",
        );
        return undefined;
      } catch (err) {
        drop(admin);
        admin = undefined;
        return `kafka unreachable at ${opts.brokers.join(",")}: ${describeKafkaError(err)}`;
      }
    },
    async stop() {
      stopped = true; // a connect still pending disconnects itself when it completes
      const p = producer;
      producer = undefined;
      await Promise.allSettled([p?.disconnect(), admin?.disconnect()]);
      admin = undefined;
    },
  };
}
