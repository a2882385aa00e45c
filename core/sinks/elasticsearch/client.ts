/**
 * Search-engine client factory for the Elasticsearch sink.
 *
 * One `@elastic/elasticsearch` {@link Client} that talks to Elasticsearch 8/9 **and**
 * OpenSearch 2/3. Out of the box the 9.x client refuses both OpenSearch and Elasticsearch 8:
 *
 *  - its *product check* throws `ProductNotSupportedError` on any 2xx response without the
 *    `x-elastic-product: Elasticsearch` header (OpenSearch never sends it);
 *  - it sends `application/vnd.elasticsearch+json; compatible-with=9` as Content-Type/Accept,
 *    which OpenSearch rejects (406) and Elasticsearch 8 rejects (only 7 and 8 are accepted).
 *
 * The client's documented `Transport` option takes a Transport class; {@link LenientTransport}
 * is a subclass of the client's own `SniffingTransport` that drops the vendored media types
 * (plain `application/json` / `application/x-ndjson`, which every one of these servers accepts)
 * and, unless the flavor is `"elasticsearch"`, the product check.
 *
 * Connection class: the client's default `UndiciConnection` does not work under Bun (Bun's
 * built-in `undici` module has no real `Pool`: requests fail with
 * `undefined is not an object (evaluating 'response.headers')` and `close()` throws), so the
 * factory uses the client's `HttpConnection` (node:http), which Bun implements.
 *
 * @module
 */
import http from "node:http";
import { Client, HttpConnection, SniffingTransport } from "@elastic/elasticsearch";
import { PinnedHttpsAgent } from "./pinning.ts";

/** The keep-alive settings `HttpConnection` gives its own agents. */
const AGENT_DEFAULTS = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: 256, maxFreeSockets: 256, scheduling: "lifo" } as const;

/** The client's constructor options (the ESM entry of the package does not export the type). */
type ClientOptions = NonNullable<ConstructorParameters<typeof Client>[0]>;

/** Which server the client may talk to. */
export const SEARCH_FLAVORS = ["auto", "elasticsearch", "opensearch"] as const;

/** One of {@link SEARCH_FLAVORS}. */
export type SearchFlavor = (typeof SEARCH_FLAVORS)[number];

/** Credentials; the same shapes the `@elastic/elasticsearch` client accepts. */
export type SearchAuth = { username: string; password: string } | { apiKey: string | { id: string; api_key: string } } | { bearer: string };

/** Options of {@link createSearchClient}. */
export interface SearchClientOptions {
  /** One URL or several, e.g. `"http://127.0.0.1:9200"`. `nodes` is an alias. */
  node?: string | string[];
  /** Alias of `node`. */
  nodes?: string | string[];
  /** Basic, API-key or bearer credentials. Credentials in the URL also work. */
  auth?: SearchAuth;
  /**
   * - `"auto"` (default): plain JSON media types, no product check: works with Elasticsearch 8/9
   *   and OpenSearch 2/3. Use {@link detectSearchFlavor} to learn what answered.
   * - `"elasticsearch"`: plain JSON media types (so ES 8 works too), product check kept: a server
   *   that is not Elasticsearch fails every call with `ProductNotSupportedError`.
   * - `"opensearch"`: same wire behaviour as `"auto"`; states intent (and is what
   *   {@link detectSearchFlavor} reports for OpenSearch).
   */
  flavor?: SearchFlavor;
  /** Per-request timeout in ms (default 30 000). */
  requestTimeoutMs?: number;
  /** Transport-level retries on connection errors/502/503/504 (default 3). */
  maxRetries?: number;
  /** gzip request bodies (default false). */
  compression?: boolean;
  /** TLS options passed through (CA, client cert/key, servername, rejectUnauthorized, ...). */
  tls?: ClientOptions["tls"];
  /**
   * SHA-256 fingerprint a certificate of the server's chain must have (pinning; replaces CA
   * validation for https nodes; see pinning.ts for what Bun exposes).
   */
  caFingerprint?: string;
  /** Elastic Cloud ID (`name:base64`): the node URL comes from it; `node` is then not needed. */
  cloudId?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** Plain media types: accepted by Elasticsearch 7/8/9 and OpenSearch 1/2/3. */
const PLAIN_HEADERS = {
  jsonContentType: "application/json",
  ndjsonContentType: "application/x-ndjson",
  accept: "application/json, text/plain",
} as const;

type TransportCtorOptions = ConstructorParameters<typeof SniffingTransport>[0];

/**
 * Transport that sends plain JSON media types and has no product check.
 * Passed as the client's `Transport` option for the `"auto"` and `"opensearch"` flavors.
 */
export class LenientTransport extends SniffingTransport {
  constructor(opts: TransportCtorOptions) {
    super({ ...opts, productCheck: undefined, vendoredHeaders: { ...PLAIN_HEADERS } });
  }
}

/**
 * Transport that sends plain JSON media types but keeps the Elasticsearch product check.
 * Passed as the client's `Transport` option for the `"elasticsearch"` flavor, so that the 9.x
 * client also works with Elasticsearch 8.
 */
export class ElasticsearchPlainTransport extends SniffingTransport {
  constructor(opts: TransportCtorOptions) {
    super({ ...opts, productCheck: "Elasticsearch", vendoredHeaders: { ...PLAIN_HEADERS } });
  }
}

/**
 * Creates an `@elastic/elasticsearch` client that works with Elasticsearch 8/9 and OpenSearch 2/3.
 *
 * @example
 * const client = createSearchClient({ node: "http://127.0.0.1:9200" });
 * await client.bulk({ operations: [{ create: { _index: "x", _id: "a-1" } }, { v: 1 }] });
 *
 * @throws {Error} when no node is given.
 */
export function createSearchClient(opts: SearchClientOptions): Client {
  const node = opts.node ?? opts.nodes;
  if (!opts.cloudId && (node === undefined || (Array.isArray(node) && node.length === 0) || node === "")) {
    throw new Error("createSearchClient: `node` (or `nodes`, or `cloudId`) is required");
  }
  const flavor: SearchFlavor = opts.flavor ?? "auto";
  const fingerprint = opts.caFingerprint;
  const clientOpts: ClientOptions = {
    ...(opts.cloudId ? { cloud: { id: opts.cloudId } } : { node }),
    auth: opts.auth as ClientOptions["auth"],
    Transport: flavor === "elasticsearch" ? ElasticsearchPlainTransport : LenientTransport,
    Connection: HttpConnection,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    maxRetries: opts.maxRetries ?? 3,
    compression: opts.compression ?? false,
    tls: opts.tls,
    ...(fingerprint
      ? {
          // https nodes: the pin is checked before a connection is used; http nodes get a plain agent.
          agent: (c: { url: URL }) =>
            c.url.protocol === "https:" ? new PinnedHttpsAgent(fingerprint, { ...AGENT_DEFAULTS, ...(opts.tls ?? {}) }) : new http.Agent(AGENT_DEFAULTS),
        }
      : {}),
    headers: opts.headers,
    // The sink does its own durable retry; sniffing is wrong behind proxies and on OpenSearch.
    sniffOnStart: false,
    sniffOnConnectionFault: false,
  };
  return new Client(clientOpts);
}

/** What {@link detectSearchFlavor} found. */
export interface DetectedSearchServer {
  flavor: Exclude<SearchFlavor, "auto">;
  /** Server version, e.g. `"2.19.6"` or `"9.1.0"`. */
  version: string;
  /** Major version number. */
  major: number;
}

/**
 * Asks the server (`GET /`) which product and version it is.
 * OpenSearch reports `version.distribution: "opensearch"`; Elasticsearch sends
 * `x-elastic-product: Elasticsearch` (and has no `distribution`).
 *
 * @throws the client's error when the server is unreachable or refuses the credentials.
 */
export async function detectSearchFlavor(client: Client): Promise<DetectedSearchServer> {
  const res = await client.info({}, { meta: true });
  const body = res.body as { version?: { number?: string; distribution?: string } };
  const version = body.version?.number ?? "0.0.0";
  const major = Number.parseInt(version.split(".")[0] ?? "0", 10) || 0;
  const isOpenSearch = body.version?.distribution === "opensearch" || res.headers["x-elastic-product"] !== "Elasticsearch";
  return { flavor: isOpenSearch ? "opensearch" : "elasticsearch", version, major };
}
