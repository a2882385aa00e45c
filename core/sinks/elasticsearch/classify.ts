/**
 * Classification of Elasticsearch / OpenSearch bulk outcomes (DESIGN.md §4).
 *
 * Per item (`create` with our deterministic `_id`):
 *
 * | status | outcome | error type |
 * |---|---|---|
 * | 2xx, 409 (already there) | delivered | – |
 * | 429, 5xx, 404, 408, 400 `index_closed_exception` | retry | `http_<status>` |
 * | 400 (mapping / parse errors), other 4xx | dead | `mapping_error` / `http_<status>` |
 * | 401, 403 | retry + halt | `http_<status>` |
 * | missing | retry | `bad_response` |
 *
 * A whole request refused with 401/403 halts; a TLS certificate failure (unknown CA, expired,
 * name or fingerprint mismatch) is retried as `tls_<code>` with a reason naming what to fix.
 *
 * Per item failures are counted once per item; a whole-request failure counts once.
 * @module
 */
import { errors } from "@elastic/elasticsearch";
import { tlsFailure } from "../../config/tls.ts";
import type { OutRecord } from "../../events.ts";
import type { SendResult } from "../sink.ts";
import { countError, emptyResult } from "../shared/result.ts";

/** A record the destination refused for good, with the HTTP status (for the dead-letter file). */
export interface DeadItem {
  record: OutRecord;
  reason: string;
  status: number;
}

/** A {@link SendResult} whose dead records carry their status. */
export type BulkOutcome = Omit<SendResult, "dead"> & { dead: DeadItem[] };

/** An empty {@link BulkOutcome}. */
export function emptyOutcome(): BulkOutcome {
  return emptyResult() as BulkOutcome;
}

/** One entry of the bulk response `items` (any action). */
export interface BulkItem {
  status?: number;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
}

/** `type: reason (caused by type: reason)` of a bulk error object. */
export function describeBulkError(status: number, e: BulkItem["error"]): string {
  if (!e) return `HTTP ${status}`;
  const cause = e.caused_by ? ` (caused by ${e.caused_by.type}: ${e.caused_by.reason})` : "";
  return `HTTP ${status} ${e.type ?? "error"}: ${e.reason ?? ""}${cause}`;
}

/**
 * Classifies each item of a bulk response; `items[i]` answers `batch[i]`.
 *
 * @example
 * const out = classifyBulkItems(batch, body.items.map((i) => Object.values(i)[0]));
 */
export function classifyBulkItems(batch: OutRecord[], items: (BulkItem | undefined)[]): BulkOutcome {
  const out = emptyOutcome();
  batch.forEach((record, i) => {
    const item = items[i];
    const status = item?.status;
    if (typeof status !== "number") {
      countError(out, "bad_response");
      out.retry.push(record);
    } else if ((status >= 200 && status < 300) || status === 409) {
      out.delivered++;
    } else if (status === 401 || status === 403) {
      countError(out, `http_${status}`);
      out.retry.push(record);
      out.halt ??= `elasticsearch refused the credentials: ${describeBulkError(status, item!.error)}`;
    } else if (status === 429 || status >= 500 || status === 404 || status === 408 || isClosedIndex(status, item!)) {
      countError(out, `http_${status}`);
      out.retry.push(record);
    } else {
      countError(out, status === 400 ? "mapping_error" : `http_${status}`);
      out.dead.push({ record, status, reason: describeBulkError(status, item!.error) });
    }
  });
  return out;
}

function isClosedIndex(status: number, item: BulkItem): boolean {
  return status === 400 && item.error?.type === "index_closed_exception";
}

/** Error types meaning "the node could not be reached or is not serving yet" (see {@link SendResult.unavailable}). */
export const UNAVAILABLE_TYPES: ReadonlySet<string> = new Set(["connection_error", "timeout", "http_502", "http_503", "http_504"]);

/** True when some of the counted errors of `out` say the node was unavailable. */
export function sawUnavailable(errors: Record<string, number>): boolean {
  return Object.keys(errors).some((t) => UNAVAILABLE_TYPES.has(t) || UNAVAILABLE_TYPES.has(t.replace(/^template_/, "")));
}

/** What to do with a batch whose whole bulk request failed. */
export type RequestVerdict =
  | { action: "split"; type: string; status: number; reason: string }
  | { action: "halt"; type: string; reason: string }
  | { action: "retry"; type: string; reason: string };

/**
 * Classifies an error thrown by the client for a whole request: 413 → split, 401/403 and a
 * server that fails the product check (flavor `elasticsearch` on OpenSearch) → halt, anything
 * else (429, 5xx, other statuses, timeouts, connection errors) → retry.
 */
export function classifyRequestError(err: unknown): RequestVerdict {
  if (err instanceof errors.ResponseError) {
    const status = err.meta.statusCode ?? 0;
    const body = err.meta.body as { error?: BulkItem["error"] | string } | undefined;
    const raw = err.meta.body;
    const detail =
      typeof body?.error === "object"
        ? describeBulkError(status, body.error)
        : typeof raw === "string" && raw.trim()
          ? `HTTP ${status}: ${raw.trim().replace(/\s+/g, " ").slice(0, 200)}`
          : `HTTP ${status}`;
    if (status === 413) return { action: "split", type: "http_413", status, reason: `${detail}: request too large` };
    if (status === 401 || status === 403) {
      return { action: "halt", type: `http_${status}`, reason: `elasticsearch refused the credentials: ${detail}` };
    }
    return { action: "retry", type: `http_${status}`, reason: detail };
  }
  if (err instanceof errors.ProductNotSupportedError) {
    // flavor "elasticsearch" and the server is not Elasticsearch: a configuration error, like 401/403.
    return { action: "halt", type: "product_not_supported", reason: `the server is not Elasticsearch (flavor "elasticsearch" requires it): ${err.message}` };
  }
  if (err instanceof errors.TimeoutError) return { action: "retry", type: "timeout", reason: err.message };
  if (err instanceof errors.ConnectionError || err instanceof errors.NoLivingConnectionsError) {
    const tls = tlsFailure(err);
    if (tls) return { action: "retry", type: `tls_${tls.code}`, reason: `${tls.reason}: ${err.message}` };
    return { action: "retry", type: "connection_error", reason: err.message };
  }
  const name = err instanceof Error ? err.name : "Error";
  return { action: "retry", type: `es_${name}`, reason: err instanceof Error ? err.message : String(err) };
}
