/**
 * Elasticsearch sink against a REAL OpenSearch node (`npm run services:up`, OpenSearch 2.19).
 * Fails, not skips, when it is down. Override the URL with OPENSEARCH_URL. The checks themselves
 * are in testing/sink-checks.ts, shared with agent/e2e/opensearch3.test.ts (a private OpenSearch 3.x node).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deadPort, makeBatch } from "../testing/records.ts";
import { describeSinkAgainst } from "./testing/sink-checks.ts";
import { createElasticsearchSink } from "./sink.ts";

const URL_ = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
const HINT = `OpenSearch is not reachable at ${URL_}: run \`npm run services:up\` (see infra/README.md)`;
let ready: Promise<void>;

beforeAll(() => {
  ready = fetch(`${URL_}/_cluster/health`, { signal: AbortSignal.timeout(3000) }).then(
    (r) => {
      if (!r.ok) throw new Error(`${HINT} (health: HTTP ${r.status})`);
    },
    (err: Error) => {
      throw new Error(`${HINT} (${err.message})`);
    },
  );
  ready.catch(() => {}); // reported by each test
});

describeSinkAgainst({ name: "OpenSearch", url: URL_, ready: () => ready });

describe("createElasticsearchSink when the node is down", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "es-sink-down-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("start does not throw; send → retry (template first); probe is quick", async () => {
    const port = await deadPort();
    const sink = createElasticsearchSink({
      id: "es-it",
      hosts: `http://127.0.0.1:${port}`,
      index: "it-down-points",
      anomaliesIndex: "it-down-anomalies",
      templateName: "it-down-tpl",
      indexSettings: { number_of_replicas: 0 },
      deadLetterPath: join(dir, "dead", "es.jsonl"),
    });
    await sink.start();
    const batch = makeBatch("agent-down", 3);
    const r = await sink.send(batch);
    expect(r).toEqual({ delivered: 0, retry: batch, dead: [], errors: { template_connection_error: 1 }, unavailable: true });
    const t0 = performance.now();
    expect(await sink.probe()).toContain("connection_error");
    expect(performance.now() - t0).toBeLessThan(2_500);
    await sink.stop();
  });
});
