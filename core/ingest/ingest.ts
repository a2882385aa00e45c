import type { Consumer, EachBatchPayload } from "kafkajs";
import type { Logger } from "pino";
import type { OutRecord } from "../events.ts";
import { createKafka } from "../sinks/kafka/client.ts";
import type { Sink } from "../sinks/sink.ts";
import { backoffDelay, sleep } from "../runtime/backoff.ts";
import type { Telemetry } from "../telemetry/metrics.ts";
import { waitForTopics } from "./topics.ts";

export { KafkaUnreachableError, MissingTopicError } from "./topics.ts";

/** Options of {@link Ingestor}. */
export interface IngestOptions {
  brokers: string[];
  /** Points topic (records become ES point documents). */
  topic: string;
  /** Anomalies topic, when it should be moved too. */
  anomaliesTopic?: string;
  /** Consumer group (`KAFKA_GROUP_ID`); run more ingestors with the same group to scale out. */
  groupId: string;
  clientId?: string;
  /** Read topics from the beginning when the group has no committed offset (default true). */
  fromBeginning?: boolean;
  /** How long {@link Ingestor.start} waits for a missing topic before failing, ms (default 30 s; 0: fail at once). */
  topicWaitMs?: number;
}

/** Named defaults of {@link IngestOptions}. */
export const INGEST_DEFAULTS = { topicWaitMs: 30_000 } as const;

/** What an ingestor has done so far. */
export interface IngestStats {
  consumed: number;
  delivered: number;
  dead: number;
  malformed: number;
  retries: number;
}

/**
 * The prototype's consumer, reimplemented: a Kafka consumer group reading the points (and
 * optionally anomalies) topic and bulk-writing into Elasticsearch through the same sink the agent
 * uses (deterministic `_id`, `create`, per-item classification). Offsets are committed only
 * after the batch is in Elasticsearch (delivered or dead-lettered), so a crash re-reads and the
 * `_id` makes the replay idempotent. Retryable failures are retried with backoff before commit.
 */
export class Ingestor {
  private consumer: Consumer | undefined;
  private stopping = false;
  private readonly abort = new AbortController();
  readonly stats: IngestStats = { consumed: 0, delivered: 0, dead: 0, malformed: 0, retries: 0 };

  constructor(
    private readonly o: IngestOptions,
    private readonly sink: Sink,
    private readonly telemetry: Telemetry,
    private readonly log: Logger,
  ) {}

  /**
   * Waits (bounded) for the topics to exist, connects, subscribes and starts consuming (returns
   * once running). On failure everything it opened is closed again and the error thrown
   * ({@link MissingTopicError}, {@link KafkaUnreachableError}, or kafkajs'), so the process can exit.
   */
  async start(): Promise<void> {
    await this.sink.start();
    try {
      const kafka = createKafka({ brokers: this.o.brokers, clientId: this.o.clientId ?? "agent-ingest", logLevel: "error", logger: this.log });
      const topics = [this.o.topic, ...(this.o.anomaliesTopic ? [this.o.anomaliesTopic] : [])];
      await waitForTopics(kafka, topics, {
        brokers: this.o.brokers,
        waitMs: this.o.topicWaitMs ?? INGEST_DEFAULTS.topicWaitMs,
        log: this.log,
        signal: this.abort.signal,
      });
      this.consumer = kafka.consumer({ groupId: this.o.groupId, allowAutoTopicCreation: false });
      await this.consumer.connect();
      await this.consumer.subscribe({ topics, fromBeginning: this.o.fromBeginning ?? true });
      await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.batch(p) });
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private toRecord(topic: string, value: Buffer | null): OutRecord | undefined {
    if (!value) return undefined;
    const json = value.toString("utf8");
    try {
      const doc = JSON.parse(json);
      if (typeof doc?.agent?.id !== "string" || !Number.isSafeInteger(doc?.agent?.seq)) return undefined;
      return { kind: topic === this.o.anomaliesTopic ? "anomaly" : "point", doc, json } as OutRecord;
    } catch {
      return undefined;
    }
  }

  private async batch({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const records: OutRecord[] = [];
    for (const m of batch.messages) {
      const r = this.toRecord(batch.topic, m.value);
      if (r) records.push(r);
      else {
        this.stats.malformed++;
        this.telemetry.error("ingest", "malformed_record");
      }
    }
    this.stats.consumed += batch.messages.length;
    this.telemetry.pointsIn.inc({ component: "ingest", component_kind: "kafka" }, batch.messages.length);
    let pending = records;
    let attempt = 0;
    while (pending.length > 0) {
      if (!isRunning() || isStale()) return; // not committed: another member (or the restart) re-reads it
      const res = await this.sink.send(pending);
      for (const [t, n] of Object.entries(res.errors)) this.telemetry.error("ingest", t, n);
      this.stats.delivered += res.delivered;
      this.stats.dead += res.dead.length;
      this.telemetry.pointsOut.inc({ component: "ingest", component_kind: this.sink.type }, res.delivered);
      if (res.dead.length) this.telemetry.dropped.inc({ component: "ingest", reason: "rejected" }, res.dead.length);
      if (res.halt) {
        this.log.error({ reason: res.halt }, "search engine refused the ingestor; stopping without committing");
        void this.stop();
        return;
      }
      pending = res.retry;
      if (pending.length) {
        this.stats.retries += pending.length;
        attempt++;
        await heartbeat();
        await sleep(backoffDelay(attempt, { initialMs: 200, maxMs: 10_000 }));
      }
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last) resolveOffset(last.offset);
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  /** Stops consuming (in-flight batch finishes or is left uncommitted) and closes the sink. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.abort.abort();
    await this.consumer?.disconnect().catch(() => {});
    await this.sink.stop();
  }
}
