/**
 * The ledger of a fault test: what the agent offered (every `agent.seq` it handed out, from
 * `/status` `seq_next` or `seq.json`), what it accepted (the file sink, which reads the same
 * buffer and never fails), and what arrived in OpenSearch (by `_id`) and Kafka (every copy).
 * @module
 */
import { readFileSync } from "node:fs";
import type { Client } from "@elastic/elasticsearch";
import { createKafka } from "../../../core/sinks/kafka/client.ts";

/** The file sink's records by seq: the first line of each seq, and how often it was written. */
export interface FileLedger {
  /** seq → the document line (the first copy). */
  bySeq: Map<number, string>;
  /** Lines written more than once (the file sink is at least once). */
  duplicates: number;
  /** Seqs whose copies differ (a seq naming two records): must be empty. */
  conflicts: number[];
  /** Records found at the end of a torn line (see {@link readFileLedger}). */
  glued: number;
}

/**
 * Reads a JSON-lines file sink output. A line torn by a SIGKILL is ignored; when the next run
 * appended its first record to that torn line (the file sink does not repair a torn tail), the
 * whole record at the end of the glued line is still read.
 */
export function readFileLedger(path: string): FileLedger {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    // nothing written yet
  }
  const bySeq = new Map<number, string>();
  const conflicts: number[] = [];
  let duplicates = 0;
  let glued = 0;
  for (let line of text.split("\n")) {
    if (!line) continue;
    let seq: number;
    try {
      seq = (JSON.parse(line) as { agent: { seq: number } }).agent.seq;
    } catch {
      const at = line.lastIndexOf('{"@timestamp"');
      if (at <= 0) continue;
      try {
        line = line.slice(at);
        seq = (JSON.parse(line) as { agent: { seq: number } }).agent.seq;
        glued++;
      } catch {
        continue;
      }
    }
    const seen = bySeq.get(seq);
    if (seen === undefined) bySeq.set(seq, line);
    else {
      duplicates++;
      if (seen !== line) conflicts.push(seq);
    }
  }
  return { bySeq, duplicates, conflicts, glued };
}

/** Every document of `indices` (points and anomalies): seq → its `_id` and source, plus the hit count. */
export async function readSearchLedger(
  es: Client,
  indices: string[],
): Promise<{ bySeq: Map<number, { id: string; doc: Record<string, unknown> }>; hits: number; badIds: string[] }> {
  const index = indices.join(",");
  await es.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
  const bySeq = new Map<number, { id: string; doc: Record<string, unknown> }>();
  const badIds: string[] = [];
  let hits = 0;
  let after: unknown[] | undefined;
  for (;;) {
    const res = await es.search({
      index,
      size: 5000,
      ignore_unavailable: true,
      allow_no_indices: true,
      sort: [{ "agent.seq": "asc" }],
      search_after: after as never,
      query: { match_all: {} },
    });
    const page = res.hits.hits;
    if (page.length === 0) break;
    for (const h of page) {
      hits++;
      const doc = h._source as { agent: { id: string; seq: number } };
      if (h._id !== `${doc.agent.id}:${doc.agent.seq}`) badIds.push(h._id!);
      bySeq.set(doc.agent.seq, { id: h._id!, doc: doc as unknown as Record<string, unknown> });
    }
    after = page[page.length - 1].sort;
  }
  return { bySeq, hits, badIds };
}

/**
 * Every record of `topics` from the beginning: seq → copies. Stops once `expected` distinct
 * seqs were seen, or after `idleMs` without a new message (or `timeoutMs` in all).
 */
export async function readKafkaLedger(brokers: string, topics: string[], expected: number, timeoutMs = 60_000, idleMs = 8_000): Promise<Map<number, number>> {
  const kafka = createKafka({ brokers: [brokers], clientId: "faults-reader", logLevel: "nothing" });
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.disconnect();
  topics = topics.filter((t) => existing.has(t)); // no anomaly yet: no anomalies topic
  const copies = new Map<number, number>();
  if (topics.length === 0) return copies;
  const consumer = kafka.consumer({ groupId: `faults-reader-${crypto.randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const hard = setTimeout(resolve, timeoutMs);
    let idle = setTimeout(finish, Math.max(idleMs, 15_000)); // the group join takes a few seconds
    function finish() {
      clearTimeout(hard);
      clearTimeout(idle);
      resolve();
    }
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const seq = (JSON.parse(m.value!.toString()) as { agent: { seq: number } }).agent.seq;
          copies.set(seq, (copies.get(seq) ?? 0) + 1);
        }
        clearTimeout(idle);
        if (copies.size >= expected) return finish();
        idle = setTimeout(finish, idleMs);
      },
    });
  });
  await consumer.disconnect();
  return copies;
}

/** What a reconciliation found; every list must be empty and every count must match. */
export interface Reconciliation {
  offered: number;
  accepted: number;
  /** Seqs offered but not accepted: the drops (must equal what the agent reports). */
  notAccepted: number[];
  /** Accepted seqs missing in OpenSearch / Kafka. */
  missingInSearch: number[];
  missingInKafka: number[];
  /** OpenSearch documents that were not accepted (must be none). */
  extraInSearch: number[];
  /** OpenSearch hits minus distinct seqs (exactly once: 0). */
  searchDuplicates: number;
  /** Kafka copies beyond the first (at least once: allowed). */
  kafkaDuplicates: number;
  /** OpenSearch documents that differ from the file sink's copy of the same seq. */
  searchMismatches: number[];
}

/**
 * Reconciles the seqs the agent offered with the file sink (accepted) and the destinations.
 * `offered` is the list of seqs the agent handed out.
 */
export function reconcile(
  offered: Iterable<number>,
  file: FileLedger,
  search?: Awaited<ReturnType<typeof readSearchLedger>>,
  kafka?: Map<number, number>,
): Reconciliation {
  const off = [...offered];
  const notAccepted = off.filter((s) => !file.bySeq.has(s));
  const r: Reconciliation = {
    offered: off.length,
    accepted: file.bySeq.size,
    notAccepted,
    missingInSearch: [],
    missingInKafka: [],
    extraInSearch: [],
    searchDuplicates: 0,
    kafkaDuplicates: 0,
    searchMismatches: [],
  };
  if (search) {
    for (const [seq, line] of file.bySeq) {
      const hit = search.bySeq.get(seq);
      if (!hit) r.missingInSearch.push(seq);
      else if (!Bun.deepEquals(hit.doc, JSON.parse(line))) r.searchMismatches.push(seq);
    }
    for (const seq of search.bySeq.keys()) if (!file.bySeq.has(seq)) r.extraInSearch.push(seq);
    r.searchDuplicates = search.hits - search.bySeq.size;
  }
  if (kafka) {
    for (const seq of file.bySeq.keys()) if (!kafka.has(seq)) r.missingInKafka.push(seq);
    for (const n of kafka.values()) r.kafkaDuplicates += n - 1;
  }
  return r;
}

/** 1..n. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** A short summary for a test's log line. */
export function summary(r: Reconciliation): string {
  return `offered ${r.offered}, accepted ${r.accepted}, dropped ${r.notAccepted.length}, missing in search ${r.missingInSearch.length}, missing in kafka ${r.missingInKafka.length}, search duplicates ${r.searchDuplicates}, kafka duplicates ${r.kafkaDuplicates}`;
}
