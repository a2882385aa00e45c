/**
 * Before the ingestor subscribes: its topics must exist (it never creates them, and kafkajs'
 * subscribe to a missing topic fails with "This server does not host this topic-partition").
 * Waits a bounded time for them, saying so, then fails with a message naming the topic.
 */
import type { Kafka } from "kafkajs";
import type { Logger } from "pino";
import { formatDuration } from "../config/duration.ts";
import { sleep } from "../runtime/backoff.ts";

/** Topics still missing after the wait. */
export class MissingTopicError extends Error {
  constructor(
    readonly topics: string[],
    readonly brokers: string[],
    readonly waitedMs: number,
  ) {
    const names = topics.map((t) => JSON.stringify(t)).join(", ");
    const waited = waitedMs > 0 ? ` after waiting ${formatDuration(waitedMs)} (--topic-wait)` : " (--topic-wait to wait for it)";
    super(
      `topic${topics.length > 1 ? "s" : ""} ${names} ${topics.length > 1 ? "do" : "does"} not exist on ${brokers.join(",")}${waited}: ` +
        `create ${topics.length > 1 ? "them" : "it"} (kafka-topics.sh --create --topic ${topics[0]} …) or start an agent whose kafka sink writes ${topics.length > 1 ? "them" : "it"}`,
    );
    this.name = "MissingTopicError";
  }
}

/** Kafka could not be reached to look the topics up. */
export class KafkaUnreachableError extends Error {
  constructor(
    readonly brokers: string[],
    reason: string,
  ) {
    super(`cannot reach Kafka at ${brokers.join(",")}: ${reason}`);
    this.name = "KafkaUnreachableError";
  }
}

/** Options of {@link waitForTopics}. */
export interface WaitForTopicsOptions {
  brokers: string[];
  /** Longest wait for a missing topic, ms (0: fail at once). */
  waitMs: number;
  /** Poll period, ms (default 1000). */
  pollMs?: number;
  log: Logger;
  /** Stops the wait early (the ingestor is stopping). */
  signal?: AbortSignal;
  now?: () => number;
}

/**
 * Resolves once every topic exists; throws {@link MissingTopicError} when some are still missing
 * after `waitMs`, {@link KafkaUnreachableError} when the brokers cannot be asked.
 *
 * @example
 * await waitForTopics(kafka, ["metrics"], { brokers, waitMs: 30_000, log });
 */
export async function waitForTopics(kafka: Kafka, topics: string[], o: WaitForTopicsOptions): Promise<void> {
  const now = o.now ?? Date.now;
  const started = now();
  const admin = kafka.admin();
  try {
    try {
      await admin.connect();
    } catch (error) {
      throw new KafkaUnreachableError(o.brokers, (error as Error).message);
    }
    let said = false;
    for (;;) {
      let existing: string[];
      try {
        existing = await admin.listTopics();
      } catch (error) {
        throw new KafkaUnreachableError(o.brokers, (error as Error).message);
      }
      const missing = topics.filter((t) => !existing.includes(t));
      if (missing.length === 0) {
        if (said) o.log.info({ topics }, "topics found; starting");
        return;
      }
      const waited = now() - started;
      if (waited >= o.waitMs || o.signal?.aborted) throw new MissingTopicError(missing, o.brokers, o.waitMs);
      if (!said)
        o.log.warn({ topics: missing, wait: formatDuration(o.waitMs) }, `waiting up to ${formatDuration(o.waitMs)} for missing topic(s) ${missing.join(", ")}`);
      said = true;
      await sleep(Math.min(o.pollMs ?? 1_000, Math.max(0, o.waitMs - waited)), o.signal);
    }
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
