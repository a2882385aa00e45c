/**
 * One batch → kafkajs `sendBatch`, split in halves while the broker says "too large".
 * @module
 */
import type { CompressionTypes, Message, Producer, TopicMessages } from "kafkajs";
import type { OutRecord } from "../../events.ts";
import type { SendResult } from "../sink.ts";
import { countError, emptyResult } from "../shared/result.ts";
import { describeKafkaError, isTooLarge, kafkaErrorType } from "./errors.ts";

/** Where and how a batch is written. */
export interface KafkaTarget {
  topic: string;
  anomaliesTopic: string;
  compression: CompressionTypes;
}

/** The kafkajs message of a record: key `agent.id`, value the contract document as JSON (cached `json` if set). */
export function toMessage(r: OutRecord): Message {
  return { key: r.doc.agent.id, value: r.json ?? JSON.stringify(r.doc) };
}

/** Points to `topic`, anomaly records to `anomaliesTopic`; topics without messages left out. */
export function toTopicMessages(batch: OutRecord[], target: KafkaTarget): TopicMessages[] {
  const points: Message[] = [];
  const anomalies: Message[] = [];
  for (const r of batch) (r.kind === "anomaly" ? anomalies : points).push(toMessage(r));
  const out: TopicMessages[] = [];
  if (points.length) out.push({ topic: target.topic, messages: points });
  if (anomalies.length) out.push({ topic: target.anomaliesTopic, messages: anomalies });
  return out;
}

/** What {@link sendSplitting} did; `failure` is the error that left records in `retry`. */
export interface SplitOutcome {
  result: SendResult;
  failure?: unknown;
}

/**
 * Sends `batch` with `acks: -1`. "Too large" → halves (recursively; one record → `dead`).
 * Any other error → that part and everything not yet sent in `retry`, and `failure` set.
 *
 * @example
 * const { result, failure } = await sendSplitting(producer, batch, { topic, anomaliesTopic, compression });
 */
export async function sendSplitting(
  producer: Pick<Producer, "sendBatch">,
  batch: OutRecord[],
  target: KafkaTarget,
): Promise<SplitOutcome> {
  const outcome: SplitOutcome = { result: emptyResult() };
  await step(producer, batch, target, outcome);
  return outcome;
}

async function step(producer: Pick<Producer, "sendBatch">, batch: OutRecord[], target: KafkaTarget, out: SplitOutcome) {
  const result = out.result;
  if (out.failure !== undefined) {
    result.retry.push(...batch);
    return;
  }
  try {
    await producer.sendBatch({ topicMessages: toTopicMessages(batch, target), acks: -1, compression: target.compression });
    result.delivered += batch.length;
  } catch (err) {
    if (!isTooLarge(err)) {
      out.failure = err;
      countError(result, kafkaErrorType(err));
      result.retry.push(...batch);
      return;
    }
    countError(result, "kafka_message_too_large");
    if (batch.length === 1) {
      result.dead.push({ record: batch[0]!, reason: `kafka: ${describeKafkaError(err)}` });
      return;
    }
    const mid = Math.ceil(batch.length / 2);
    await step(producer, batch.slice(0, mid), target, out);
    await step(producer, batch.slice(mid), target, out);
  }
}

