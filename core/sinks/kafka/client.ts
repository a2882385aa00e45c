/**
 * Thin kafkajs factory for the Kafka sink.
 *
 * kafkajs (2.2.4, pure JS, runs under Bun) logs through its own logger, which by default prints
 * INFO lines to stdout. Here its logs go through the agent's logger (pino JSON lines on stderr,
 * `component: "kafkajs"`), at `warn` by default and rate-limited (kafka-log.ts: a broker that is
 * down makes kafkajs repeat the same lines several times a second). Pass `logLevel: "nothing"` to silence it.
 *
 * Tested against Apache Kafka 4.4.0 and 4.1.1 (KRaft) started by `npm run services:up`: produce
 * (acks -1, gzip and zstd — see codecs.ts), consumer groups, the idempotent producer and a transaction all work.
 *
 * Notes for callers:
 * - An idempotent producer (`kafka.producer({ idempotent: true })`) logs a kafkajs warning when
 *   retries are bounded; pass `retry: { retries: Number.MAX_SAFE_INTEGER }` to that producer if
 *   you rely on it (kafkajs marks it experimental: de-duplicate on `agent.id` + `seq` anyway).
 * - On a fresh broker the first group/transaction call logs ERROR lines such as "The group
 *   coordinator is not available": kafkajs retries them; they are not failures.
 * - kafkajs 2.2.4 calls setTimeout with a negative delay, which prints a `TimeoutNegativeWarning`;
 *   patches/kafkajs+2.2.4.patch (applied on `npm ci`) clamps it at 0.
 *
 * @module
 */
import { Kafka, logLevel as KafkaLogLevel, type KafkaConfig, type LogEntry, type logCreator } from "kafkajs";
import type { Logger } from "pino";
import { createLogger } from "../../telemetry/log.ts";
import { registerKafkaCodecs } from "./codecs.ts";
import { KafkaLogLimiter } from "./kafka-log.ts";

/** kafkajs log levels by name. */
export type KafkaLogLevelName = "nothing" | "error" | "warn" | "info" | "debug";

/** One kafkajs log line, as handed to a custom {@link CreateKafkaOptions.log} sink. */
export interface KafkaLogRecord {
  level: Exclude<KafkaLogLevelName, "nothing">;
  /** kafkajs namespace, e.g. `"Connection"`, `"ConsumerGroup"`. */
  namespace: string;
  message: string;
  /** Other fields kafkajs attached (broker, groupId, error, ...). */
  [key: string]: unknown;
}

/** Options of {@link createKafka}. */
export interface CreateKafkaOptions {
  /** Bootstrap brokers, e.g. `["127.0.0.1:9092"]`. */
  brokers: string[];
  /** Client id sent to the broker (shows in broker logs/quotas). */
  clientId: string;
  /** Minimum level that is logged (default `"warn"`). */
  logLevel?: KafkaLogLevelName;
  /** Where log records go (default: `logger` through a {@link KafkaLogLimiter}). */
  log?: (record: KafkaLogRecord) => void;
  /** The pino logger kafkajs' lines go to, rate-limited (default: a new process logger on stderr). */
  logger?: Logger;
  /** TCP connect timeout in ms (default 3000). */
  connectionTimeoutMs?: number;
  /** Request timeout in ms (default 30 000). */
  requestTimeoutMs?: number;
  /** kafkajs retry policy; merged over the defaults below. */
  retry?: KafkaConfig["retry"];
  /** TLS, passed through to kafkajs. */
  ssl?: KafkaConfig["ssl"];
  /** SASL, passed through to kafkajs. */
  sasl?: KafkaConfig["sasl"];
}

const LEVELS: Record<KafkaLogLevelName, KafkaLogLevel> = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

const NAMES: Record<number, KafkaLogRecord["level"]> = {
  [KafkaLogLevel.ERROR]: "error",
  [KafkaLogLevel.WARN]: "warn",
  [KafkaLogLevel.INFO]: "info",
  [KafkaLogLevel.DEBUG]: "debug",
};

/** Default retry policy: ~8 attempts over about half a minute, with kafkajs' jittered backoff. */
export const DEFAULT_KAFKA_RETRY: NonNullable<KafkaConfig["retry"]> = {
  initialRetryTime: 300,
  maxRetryTime: 10_000,
  retries: 8,
  factor: 0.2,
  multiplier: 2,
};

/** Writes a kafkajs log record as one JSON line on stderr. */
export function stderrJsonLog(record: KafkaLogRecord): void {
  process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), logger: "kafkajs", ...record })}\n`);
}

function makeLogCreator(sink: (record: KafkaLogRecord) => void): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _ts, logger: _logger, ...extra } = log as LogEntry["log"] & { logger?: string };
      sink({ ...extra, level: NAMES[level] ?? "info", namespace, message });
    };
}

/**
 * Creates a kafkajs {@link Kafka} instance with quiet logging and bounded retries.
 *
 * @example
 * const kafka = createKafka({ brokers: ["127.0.0.1:9092"], clientId: "agent-01" });
 * const producer = kafka.producer();
 * await producer.connect();
 * await producer.send({ topic: "anomalies", acks: -1, compression: CompressionTypes.GZIP, messages });
 *
 * @throws {Error} when no broker is given.
 */
export function createKafka(opts: CreateKafkaOptions): Kafka {
  if (!opts.brokers || opts.brokers.length === 0) throw new Error("createKafka: at least one broker is required");
  if (!opts.clientId) throw new Error("createKafka: clientId is required");
  registerKafkaCodecs(); // zstd, for producers and consumers
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    logLevel: LEVELS[opts.logLevel ?? "warn"],
    logCreator: makeLogCreator(opts.log ?? new KafkaLogLimiter(opts.logger ?? createLogger()).write),
    connectionTimeout: opts.connectionTimeoutMs ?? 3_000,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    retry: { ...DEFAULT_KAFKA_RETRY, ...(opts.retry ?? {}) },
    ssl: opts.ssl,
    sasl: opts.sasl,
  });
}
