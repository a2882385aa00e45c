/**
 * Integration tests against a REAL OpenSearch node (started by `npm run services:up`).
 * They fail, not skip, when the node is not reachable. Override the URL with OPENSEARCH_URL.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client, HttpConnection, errors } from "@elastic/elasticsearch";
import { createSearchClient, detectSearchFlavor } from "./client";

const URL_ = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
const HINT = `OpenSearch is not reachable at ${URL_}: run \`npm run services:up\` (see infra/README.md)`;

let reachable: Promise<void>;
async function requireOpenSearch(): Promise<void> {
  await reachable;
}

const index = `it-sink-${Date.now().toString(36)}-${process.pid}`;
const client = createSearchClient({ node: URL_, requestTimeoutMs: 10_000, maxRetries: 0 });

beforeAll(() => {
  reachable = fetch(`${URL_}/_cluster/health`, { signal: AbortSignal.timeout(3000) }).then(
    async (r) => {
      const body = (await r.json()) as { status?: string };
      if (!r.ok || !["green", "yellow"].includes(body.status ?? "")) throw new Error(`${HINT} (health: ${r.status} ${body.status})`);
    },
    (err: Error) => {
      throw new Error(`${HINT} (${err.message})`);
    },
  );
  reachable.catch(() => {}); // reported by each test
});

afterAll(async () => {
  await client.indices.delete({ index }, { ignore: [404] }).catch(() => {});
  await client.close();
});

describe("createSearchClient against OpenSearch", () => {
  test("detects OpenSearch 2.x and talks to it (product check and compat media types off)", async () => {
    await requireOpenSearch();
    const found = await detectSearchFlavor(client);
    expect(found.flavor).toBe("opensearch");
    expect(found.major).toBeGreaterThanOrEqual(2);
  });

  test("a stock Client and the 'elasticsearch' flavor refuse OpenSearch", async () => {
    await requireOpenSearch();
    const stock = new Client({ node: URL_, maxRetries: 0, Connection: HttpConnection });
    await expect(stock.info()).rejects.toBeInstanceOf(errors.ProductNotSupportedError);
    await stock.close();
    const strict = createSearchClient({ node: URL_, flavor: "elasticsearch", maxRetries: 0 });
    await expect(strict.info()).rejects.toBeInstanceOf(errors.ProductNotSupportedError);
    await strict.close();
  });

  test("bulk create with deterministic _id: delivered once, duplicates are 409 per item", async () => {
    await requireOpenSearch();
    await client.indices.create({
      index,
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { properties: { "agent.id": { type: "keyword" }, seq: { type: "long" }, "@timestamp": { type: "date" } } },
    });
    const n = 50;
    const operations = Array.from({ length: n }, (_, seq) => [
      { create: { _index: index, _id: `agent-it:${seq}` } },
      { "agent.id": "agent-it", seq, "@timestamp": new Date(1_700_000_000_000 + seq * 1000).toISOString() },
    ]).flat();

    const first = await client.bulk({ operations });
    expect(first.errors).toBe(false);
    expect(first.items.map((i) => i.create?.status)).toEqual(Array(n).fill(201));

    await client.indices.refresh({ index });
    const { count } = await client.count({ index });
    expect(count).toBe(n);
    const hits = await client.search({ index, size: 0, query: { range: { seq: { gte: 10, lt: 20 } } } });
    expect((hits.hits.total as { value: number }).value).toBe(10);

    // HTTP 200 carrying per-item failures: every item is a 409 version conflict.
    const second = await client.bulk({ operations });
    expect(second.errors).toBe(true);
    expect(second.items.map((i) => i.create?.status)).toEqual(Array(n).fill(409));
    expect(second.items[0]?.create?.error?.type).toBe("version_conflict_engine_exception");
    await client.indices.refresh({ index });
    expect((await client.count({ index })).count).toBe(n);
  });
});
