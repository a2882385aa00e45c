/**
 * Elasticsearch / OpenSearch sink: one `_bulk` of `create` actions per batch with `_id` =
 * `<agent.id>:<seq>` (exactly once per id), points to `index`, anomaly records to
 * `anomaliesIndex`, after installing the composable index template of the data contract.
 *
 * Every item is classified (see `classify.ts`): delivered (2xx, 409), retry (429, 5xx...),
 * dead (400 mapping errors: also appended to `deadLetterPath`), halt (401/403, records kept in
 * `retry`). A whole-request 413 splits the batch; a network error or timeout retries it all.
 * @module
 */
import type { Client } from "@elastic/elasticsearch";
import type { SendResult, Sink } from "../sink.ts";
import { countError, emptyResult, errorMessage } from "../shared/result.ts";
import { createSearchClient, type SearchAuth, type SearchClientOptions, type SearchFlavor } from "./client.ts";
import { bulkSend, type BulkTarget } from "./bulk.ts";
import { classifyRequestError, sawUnavailable, type BulkOutcome } from "./classify.ts";
import { appendDeadLetters } from "./dead-letter.ts";
import { buildIndexTemplate, defaultTemplateName, installIndexTemplate } from "./template.ts";

/** Options of {@link createElasticsearchSink}. */
export interface ElasticsearchSinkOptions {
  /** Sink id (component id in metrics and `/status`; also written in dead-letter lines). */
  id: string;
  /** Node URL(s), e.g. `"http://127.0.0.1:9200"`. */
  hosts: string | string[];
  /** Index of scored points. */
  index: string;
  /** Index of anomaly records (may equal `index`). */
  anomaliesIndex: string;
  /** Server kind (default `"auto"`: Elasticsearch 8/9 and OpenSearch 2/3). */
  flavor?: SearchFlavor;
  auth?: SearchAuth;
  /** JSON-lines file receiving records refused for good (400 mapping errors...). */
  deadLetterPath: string;
  /** Install the index template on start (default true). Turn off for write-only credentials. */
  installTemplate?: boolean;
  /** Template name (default `<index>-template`). */
  templateName?: string;
  /** Template priority (default 200, above Elasticsearch's built-in templates). */
  templatePriority?: number;
  /** Index settings carried by the template, e.g. `{ number_of_replicas: 0 }` (default none). */
  indexSettings?: Record<string, unknown>;
  /** Timeout of one bulk request, ms (default 30 000). */
  requestTimeoutMs?: number;
  /** Timeout of the template install, ms (default 5000). */
  templateTimeoutMs?: number;
  /** Timeout of `probe()`, ms (default 2000). */
  probeTimeoutMs?: number;
  /** gzip request bodies (default false). */
  compression?: boolean;
  /** TLS options of the client (CA, client cert/key, servername, rejectUnauthorized). */
  tls?: SearchClientOptions["tls"];
  /** SHA-256 fingerprint a certificate of the server's chain must have (see pinning.ts). */
  caFingerprint?: string;
  /** Elastic Cloud ID: the node URL comes from it (then `hosts` is only used in messages). */
  cloudId?: string;
  headers?: Record<string, string>;
  /** A ready client to use instead of building one (tests, shared clients); not closed on stop. */
  client?: Client;
}

/** Named defaults of {@link ElasticsearchSinkOptions}. */
export const ELASTICSEARCH_SINK_DEFAULTS = {
  flavor: "auto",
  installTemplate: true,
  requestTimeoutMs: 30_000,
  templateTimeoutMs: 5_000,
  probeTimeoutMs: 2_000,
  compression: false,
} as const;

/**
 * Creates an Elasticsearch/OpenSearch {@link Sink}.
 *
 * @example
 * const sink = createElasticsearchSink({
 *   id: "es", hosts: "http://127.0.0.1:9200", index: "agent-metrics",
 *   anomaliesIndex: "agent-anomalies", deadLetterPath: "/var/lib/agent/dead/es.jsonl",
 * });
 * await sink.start();                 // installs the template (never throws)
 * const r = await sink.send(batch);   // { delivered, retry, dead, halt?, errors }
 * await sink.stop();
 */
export function createElasticsearchSink(opts: ElasticsearchSinkOptions): Sink {
  const d = ELASTICSEARCH_SINK_DEFAULTS;
  const client =
    opts.client ??
    createSearchClient({
      node: opts.hosts,
      auth: opts.auth,
      flavor: opts.flavor ?? d.flavor,
      requestTimeoutMs: opts.requestTimeoutMs ?? d.requestTimeoutMs,
      maxRetries: 0, // the sink driver retries, with backoff
      compression: opts.compression ?? d.compression,
      tls: opts.tls,
      caFingerprint: opts.caFingerprint,
      cloudId: opts.cloudId,
      headers: opts.headers,
    });
  const target: BulkTarget = {
    index: opts.index,
    anomaliesIndex: opts.anomaliesIndex,
    requestTimeoutMs: opts.requestTimeoutMs ?? d.requestTimeoutMs,
  };
  const templateName = opts.templateName ?? defaultTemplateName(opts.index);
  const templateBody = buildIndexTemplate({
    index: opts.index,
    anomaliesIndex: opts.anomaliesIndex,
    priority: opts.templatePriority,
    settings: opts.indexSettings,
  });
  let templateReady = !(opts.installTemplate ?? d.installTemplate);

  /** Installs the template once; undefined on success, else the error. */
  async function ensureTemplate(): Promise<unknown> {
    if (templateReady) return undefined;
    try {
      await installIndexTemplate(client, templateName, templateBody, opts.templateTimeoutMs ?? d.templateTimeoutMs);
      templateReady = true;
      return undefined;
    } catch (err) {
      return err ?? new Error("template install failed");
    }
  }

  /** Writes dead records to the dead-letter file; when that fails they go back to retry. */
  async function finish(out: BulkOutcome): Promise<SendResult> {
    try {
      await appendDeadLetters(opts.deadLetterPath, opts.id, out.dead);
    } catch {
      countError(out, "dead_letter_io_error");
      out.retry.push(...out.dead.map((x) => x.record));
      out.dead = [];
    }
    const result: SendResult = { ...out, dead: out.dead.map(({ record, reason }) => ({ record, reason })) };
    if (result.halt === undefined) delete result.halt;
    if (result.retry.length && sawUnavailable(result.errors)) result.unavailable = true;
    return result;
  }

  return {
    id: opts.id,
    type: "elasticsearch",
    async start() {
      await ensureTemplate(); // failure: retried before the next bulk
    },
    async send(batch) {
      if (batch.length === 0) return emptyResult();
      const templateError = await ensureTemplate();
      if (templateError !== undefined) {
        const v = classifyRequestError(templateError);
        const result = emptyResult();
        countError(result, `template_${v.type}`);
        result.retry.push(...batch);
        if (v.action === "halt") result.halt = `installing index template ${templateName}: ${v.reason}`;
        else if (sawUnavailable(result.errors)) result.unavailable = true;
        return result;
      }
      return finish(await bulkSend(client, batch, target));
    },
    async probe() {
      try {
        await client.transport.request({ method: "GET", path: "/" }, { requestTimeout: opts.probeTimeoutMs ?? d.probeTimeoutMs, maxRetries: 0 });
        return undefined;
      } catch (err) {
        const v = classifyRequestError(err);
        if (v.type === "http_403") return undefined; // reachable, authenticated; GET / needs `monitor`
        if (v.type === "product_not_supported") return `${[opts.hosts].flat().join(",")}: ${v.reason}`;
        if (v.type.startsWith("tls_")) return `elasticsearch unreachable at ${[opts.hosts].flat().join(",")}: ${v.reason}`;
        return `elasticsearch unreachable at ${[opts.hosts].flat().join(",")}: ${v.type} ${errorMessage(err)}`.trim();
      }
    },
    async stop() {
      if (!opts.client) await client.close().catch(() => {});
    },
  };
}
