/**
 * One batch → kafkajs `sendBatch` requests: cut into requests of at most `maxRecordsPerRequest`
 * records / `maxBytesPerRequest` JSON bytes, up to `inFlight` of them at once on the producer's
 * connection, each split in halves while the broker says "too large".
 *
 * Request size: kafkajs 2.2.4 groups a request's messages per partition by copying the
 * partition's array for every message (`[...current, message]`), O(n²) in the records of one
 * partition — and all records of an agent share a key, hence a partition: 10k records in one
 * request spent ~80% of the CPU there, and still ~17% at 500 per request. patches/ (applied
 * by patch-package on `npm ci`) makes that grouping linear; kafkajs-patch.test.ts checks the
 * patch is in place. Requests stay bounded (1500 records / 512 KiB of JSON, measured best in
 * scripts/bench/pipeline.ts) to keep under the broker's `message.max.bytes` uncompressed.
 *
 * `inFlight` defaults to 1, which keeps the records of a batch in order in their partition.
 * Above 1, requests overlap with the broker's round trip (useful on a slow link) but kafkajs
 * compresses each request asynchronously and writes it when compression ends, so requests —
 * and records — can reach the partition out of order even without errors (consumers that
 * de-duplicate on `agent.id` + `agent.seq` do not mind).
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
  /** Records per produce request (default {@link KAFKA_REQUEST_DEFAULTS}). */
  maxRecordsPerRequest?: number;
  /** JSON bytes per produce request before compression; keep under the broker's `message.max.bytes`. */
  maxBytesPerRequest?: number;
  /** Produce requests in flight at once (default 1: in order; see the module note). */
  inFlight?: number;
}

/** Request sizing defaults (measured: see scripts/bench/pipeline.ts). */
export const KAFKA_REQUEST_DEFAULTS = { maxRecordsPerRequest: 1500, maxBytesPerRequest: 512 * 1024, inFlight: 1 } as const;

/** The JSON value of a record, cached on it (`json`) so sizing and sending serialise once. */
function jsonOf(r: OutRecord): string {
  return r.json ?? (r.json = JSON.stringify(r.doc));
}

/** The kafkajs message of a record: key `agent.id`, value the contract document as JSON (cached `json` if set). */
export function toMessage(r: OutRecord): Message {
  return { key: r.doc.agent.id, value: jsonOf(r) };
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

/** Cuts `batch` into consecutive requests by record count and JSON bytes (each has ≥ 1 record). */
export function cutRequests(batch: OutRecord[], maxRecords: number, maxBytes: number): OutRecord[][] {
  const out: OutRecord[][] = [];
  let cur: OutRecord[] = [];
  let bytes = 0;
  for (const r of batch) {
    const size = jsonOf(r).length;
    if (cur.length > 0 && (cur.length >= maxRecords || bytes + size > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(r);
    bytes += size;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** What {@link sendSplitting} did; `failure` is the error that left records in `retry`. */
export interface SplitOutcome {
  result: SendResult;
  failure?: unknown;
}

/**
 * Sends `batch` with `acks: -1` as requests of bounded size, `inFlight` at once. "Too large" →
 * halves (recursively; one record → `dead`). Any other error → that request and every request
 * not yet started in `retry` (in batch order), and `failure` set.
 *
 * @example
 * const { result, failure } = await sendSplitting(producer, batch, { topic, anomaliesTopic, compression });
 */
export async function sendSplitting(producer: Pick<Producer, "sendBatch">, batch: OutRecord[], target: KafkaTarget): Promise<SplitOutcome> {
  const d = KAFKA_REQUEST_DEFAULTS;
  const requests = cutRequests(batch, target.maxRecordsPerRequest ?? d.maxRecordsPerRequest, target.maxBytesPerRequest ?? d.maxBytesPerRequest);
  const shared: { failure?: unknown } = {};
  const parts: SendResult[] = requests.map(() => emptyResult());
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const i = next++;
      await step(producer, requests[i]!, target, parts[i]!, shared);
    }
  };
  const inFlight = Math.max(1, Math.min(target.inFlight ?? d.inFlight, requests.length));
  await Promise.all(Array.from({ length: inFlight }, worker));
  const result = emptyResult();
  for (const p of parts) {
    result.delivered += p.delivered;
    for (const r of p.retry) result.retry.push(r);
    for (const x of p.dead) result.dead.push(x);
    for (const [k, v] of Object.entries(p.errors)) countError(result, k, v);
  }
  return { result, failure: shared.failure };
}

async function step(producer: Pick<Producer, "sendBatch">, batch: OutRecord[], target: KafkaTarget, result: SendResult, shared: { failure?: unknown }) {
  if (shared.failure !== undefined) {
    for (const r of batch) result.retry.push(r);
    return;
  }
  try {
    await producer.sendBatch({ topicMessages: toTopicMessages(batch, target), acks: -1, compression: target.compression });
    result.delivered += batch.length;
  } catch (err) {
    if (!isTooLarge(err)) {
      shared.failure ??= err;
      countError(result, kafkaErrorType(err));
      for (const r of batch) result.retry.push(r);
      return;
    }
    countError(result, "kafka_message_too_large");
    if (batch.length === 1) {
      result.dead.push({ record: batch[0]!, reason: `kafka: ${describeKafkaError(err)}` });
      return;
    }
    const mid = Math.ceil(batch.length / 2);
    await step(producer, batch.slice(0, mid), target, result, shared);
    await step(producer, batch.slice(mid), target, result, shared);
  }
}
