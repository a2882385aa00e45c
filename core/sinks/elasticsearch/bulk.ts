/**
 * One batch → `_bulk` with `create` actions and deterministic `_id`s; a whole-request 413 splits
 * the batch in halves (recursively). Never `helpers.bulk`: it drops on most errors.
 * @module
 */
import type { Client } from "@elastic/elasticsearch";
import { recordId, type OutRecord } from "../../events.ts";
import { countError } from "../shared/result.ts";
import { classifyBulkItems, classifyRequestError, emptyOutcome, type BulkItem, type BulkOutcome } from "./classify.ts";

/** Where records go and how long a bulk request may take. */
export interface BulkTarget {
  index: string;
  anomaliesIndex: string;
  requestTimeoutMs: number;
}

/** Only what the classification needs: keeps big responses cheap to parse. */
const FILTER_PATH = "errors,items.*.status,items.*.error.type,items.*.error.reason,items.*.error.caused_by";

/**
 * The NDJSON body of a batch: a `create` action line and the document per record (the
 * document's cached `json` is used when present).
 */
export function toNdjson(batch: OutRecord[], target: BulkTarget): string {
  const parts: string[] = [];
  for (const r of batch) {
    const action = { create: { _index: r.kind === "anomaly" ? target.anomaliesIndex : target.index, _id: recordId(r) } };
    parts.push(JSON.stringify(action), r.json ?? JSON.stringify(r.doc));
  }
  parts.push("");
  return parts.join("\n");
}

/**
 * Sends `batch` in one bulk request (more when a 413 forces splits) and classifies every record.
 *
 * @example
 * const out = await bulkSend(client, batch, { index: "m", anomaliesIndex: "a", requestTimeoutMs: 30_000 });
 */
export async function bulkSend(client: Client, batch: OutRecord[], target: BulkTarget): Promise<BulkOutcome> {
  const out = emptyOutcome();
  await step(client, batch, target, out, { stopped: false });
  return out;
}

async function step(client: Client, batch: OutRecord[], target: BulkTarget, out: BulkOutcome, st: { stopped: boolean }) {
  if (batch.length === 0) return;
  if (st.stopped) {
    out.retry.push(...batch);
    return;
  }
  let items: (BulkItem | undefined)[];
  try {
    const res = (await client.transport.request(
      { method: "POST", path: "/_bulk", querystring: { filter_path: FILTER_PATH }, bulkBody: toNdjson(batch, target) },
      { requestTimeout: target.requestTimeoutMs, maxRetries: 0 },
    )) as { errors?: boolean; items?: Record<string, BulkItem>[] };
    items = (res.items ?? []).map((it) => (it ? Object.values(it)[0] : undefined));
    if (res.errors === false && items.length === 0) items = batch.map(() => ({ status: 201 })); // filtered/minimal answer
  } catch (err) {
    const v = classifyRequestError(err);
    countError(out, v.type);
    if (v.action === "split") {
      if (batch.length === 1) {
        out.dead.push({ record: batch[0]!, status: v.status, reason: v.reason });
        return;
      }
      const mid = Math.ceil(batch.length / 2);
      await step(client, batch.slice(0, mid), target, out, st);
      await step(client, batch.slice(mid), target, out, st);
      return;
    }
    if (v.action === "halt") out.halt ??= v.reason;
    st.stopped = true; // the rest of a split batch is retried without being sent
    out.retry.push(...batch);
    return;
  }
  const got = classifyBulkItems(batch, items);
  out.delivered += got.delivered;
  out.retry.push(...got.retry);
  out.dead.push(...got.dead);
  for (const [k, n] of Object.entries(got.errors)) countError(out, k, n);
  if (got.halt !== undefined) {
    out.halt ??= got.halt;
    st.stopped = true;
  }
}
