/**
 * kafkajs' log lines through the agent's logger (pino JSON, the same shape as every other line),
 * at a bounded rate: while a broker is down kafkajs repeats the same few lines several times a
 * second; here each distinct line (level, namespace, message, broker) is written at most once per
 * interval, with `repeated: n` saying how many were held back since, and no more than
 * `maxLinesPerInterval` lines in any interval overall. Every line held back is counted.
 */
import type { Logger } from "pino";
import type { KafkaLogRecord } from "./client.ts";

/** Options of {@link KafkaLogLimiter}. */
export interface KafkaLogLimiterOptions {
  /** Window of the limits, ms (default 10 000). */
  intervalMs?: number;
  /** Most lines written per window, all keys together (default 10). */
  maxLinesPerInterval?: number;
  /** Clock, ms (tests). */
  now?: () => number;
}

/** Named defaults of {@link KafkaLogLimiterOptions}. */
export const KAFKA_LOG_DEFAULTS = { intervalMs: 10_000, maxLinesPerInterval: 10 } as const;

/** Most distinct lines remembered (a key holds its last write time and held-back count). */
const MAX_KEYS = 1_000;

/**
 * Writes kafkajs log records to a pino logger (`component: "kafkajs"`, the kafkajs namespace, the
 * broker and error fields it attached), rate-limited as described above.
 *
 * @example
 * const limiter = new KafkaLogLimiter(log);
 * const kafka = createKafka({ brokers, clientId, log: limiter.write });
 */
export class KafkaLogLimiter {
  /** Lines held back so far (all keys). */
  suppressed = 0;
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private readonly maxLines: number;
  private readonly now: () => number;
  private readonly keys = new Map<string, { at: number; held: number }>();
  private windowStart = Number.NEGATIVE_INFINITY;
  private windowLines = 0;

  constructor(logger: Logger, options: KafkaLogLimiterOptions = {}) {
    this.logger = logger.child({ component: "kafkajs" });
    this.intervalMs = options.intervalMs ?? KAFKA_LOG_DEFAULTS.intervalMs;
    this.maxLines = options.maxLinesPerInterval ?? KAFKA_LOG_DEFAULTS.maxLinesPerInterval;
    this.now = options.now ?? Date.now;
  }

  /** The `log` function for `createKafka` (bound). */
  readonly write = (record: KafkaLogRecord): void => {
    const t = this.now();
    const { level, namespace, message, ...fields } = record;
    const key = `${level}\u0000${namespace}\u0000${message}\u0000${String(fields.broker ?? "")}`;
    const seen = this.keys.get(key);
    if (t - this.windowStart >= this.intervalMs) {
      this.windowStart = t;
      this.windowLines = 0;
    }
    if ((seen && t - seen.at < this.intervalMs) || this.windowLines >= this.maxLines) {
      this.suppressed++;
      if (seen) seen.held++;
      else this.remember(key, { at: Number.NEGATIVE_INFINITY, held: 1 });
      return;
    }
    this.windowLines++;
    this.remember(key, { at: t, held: 0 });
    const repeated = seen?.held || undefined;
    const fn = level === "error" ? this.logger.error : level === "warn" ? this.logger.warn : level === "info" ? this.logger.info : this.logger.debug;
    fn.call(this.logger, { ...fields, namespace, repeated }, message);
  };

  private remember(key: string, value: { at: number; held: number }): void {
    this.keys.delete(key);
    if (this.keys.size >= MAX_KEYS) this.keys.delete(this.keys.keys().next().value as string);
    this.keys.set(key, value);
  }
}
