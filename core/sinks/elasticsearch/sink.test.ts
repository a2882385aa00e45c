/**
 * Elasticsearch sink against a REAL OpenSearch node (`npm run services:up`). Fails, not skips,
 * when it is down. Override the URL with OPENSEARCH_URL.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OutRecord } from "../../events.ts";
import { deadPort, makeBatch, makePoint } from "../shared/testing.ts";
import { createSearchClient } from "./client.ts";
import { createElasticsearchSink } from "./sink.ts";
import { TEMPLATE_VERSION } from "./template.ts";

const URL_ = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
const HINT = `OpenSearch is not reachable at ${URL_}: run \`npm run services:up\` (see infra/README.md)`;
const run = `${Date.now().toString(36)}-${process.pid}`;
const index = `it-points-${run}`;
const anomaliesIndex = `it-anomalies-${run}`;
const templateName = `it-tpl-${run}`;
const admin = createSearchClient({ node: URL_, maxRetries: 0, requestTimeoutMs: 10_000 });
let dir: string;
let ready: Promise<void>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "es-sink-"));
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

afterAll(async () => {
  await admin.indices.delete({ index: [index, anomaliesIndex, `${index}-big`], ignore_unavailable: true }).catch(() => {});
  await admin.transport.request({ method: "DELETE", path: `/_index_template/${templateName}` }, { ignore: [404] }).catch(() => {});
  await admin.transport.request({ method: "DELETE", path: `/_index_template/${templateName}-big` }, { ignore: [404] }).catch(() => {});
  await admin.close();
  await rm(dir, { recursive: true, force: true });
});

function sinkFor(over: Partial<Parameters<typeof createElasticsearchSink>[0]> = {}) {
  return createElasticsearchSink({
    id: "es-it", hosts: URL_, index, anomaliesIndex, templateName,
    indexSettings: { number_of_replicas: 0 }, deadLetterPath: join(dir, "dead", "es.jsonl"), ...over,
  });
}

async function count(idx: string, agentId?: string): Promise<number> {
  await admin.indices.refresh({ index: idx });
  return (await admin.count({ index: idx, ...(agentId ? { query: { term: { "agent.id": agentId } } } : {}) })).count;
}

describe("createElasticsearchSink against OpenSearch", () => {
  test("start installs the template; mapping of the created indices follows the contract", async () => {
    await ready;
    const sink = sinkFor();
    await sink.start();
    expect(await sink.probe()).toBeUndefined();
    const tpl = (await admin.transport.request({ method: "GET", path: `/_index_template/${templateName}` })) as {
      index_templates: { index_template: { index_patterns: string[]; version: number } }[];
    };
    expect(tpl.index_templates[0]!.index_template.index_patterns.sort()).toEqual([anomaliesIndex, index].sort());
    expect(tpl.index_templates[0]!.index_template.version).toBe(TEMPLATE_VERSION);

    expect((await sink.send(makeBatch("agent-es", 10))).delivered).toBe(10);
    const m = (await admin.indices.getMapping({ index: [index, anomaliesIndex] })) as Record<string, { mappings: { properties: Record<string, any> } }>;
    const p = m[index]!.mappings.properties;
    expect(p.value.type).toBe("double");
    expect(p.agent.properties).toEqual({ id: { type: "keyword" }, seq: { type: "long" } });
    expect(p.metric.properties.labels.properties.series.type).toBe("keyword");
    expect(p["@timestamp"].type).toBe("date");
    const a = m[anomaliesIndex]!.mappings.properties.anomaly.properties;
    expect([a.state.type, a.start.type, a.peak_score.type, a.points.type]).toEqual(["keyword", "date", "float", "integer"]);
    await sink.stop();
  });

  test("delivers points and anomalies; the same batch twice → all delivered, counts unchanged (exactly once by _id)", async () => {
    await ready;
    const sink = sinkFor();
    await sink.start();
    const batch = makeBatch("agent-x1", 500);
    expect(await sink.send(batch)).toEqual({ delivered: 500, retry: [], dead: [], errors: {} });
    expect(await sink.send(batch)).toEqual({ delivered: 500, retry: [], dead: [], errors: {} });
    expect(await count(index, "agent-x1")).toBe(450);
    expect(await count(anomaliesIndex, "agent-x1")).toBe(50);
    const doc = (await admin.get({ index: anomaliesIndex, id: "agent-x1:9" }))._source as OutRecord["doc"];
    expect(doc).toEqual(batch[9]!.doc);
    await sink.stop();
  });

  test("a 400 mapping error → dead + one dead-letter line; the rest of the batch is delivered", async () => {
    await ready;
    const sink = sinkFor();
    await sink.start();
    const bad = makePoint("agent-bad", 1, { value: { nested: 1 } as unknown as number });
    const batch = [makePoint("agent-bad", 0), bad, makePoint("agent-bad", 2)];
    const r = await sink.send(batch);
    expect(r.delivered).toBe(2);
    expect(r.retry).toEqual([]);
    expect(r.dead.map((x) => x.record)).toEqual([bad]);
    expect(r.dead[0]!.reason).toContain("HTTP 400");
    expect(r.errors).toEqual({ mapping_error: 1 });
    const lines = (await readFile(join(dir, "dead", "es.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ status: 400, record: bad, sink: "es-it" });
    expect(lines[0].reason).toMatch(/pars/);
    await sink.stop();
  });

  test("throughput: one 10k-record batch", async () => {
    await ready;
    const sink = sinkFor({ index: `${index}-big`, anomaliesIndex: `${index}-big`, templateName: `${templateName}-big` });
    await sink.start();
    const batch = makeBatch("agent-big", 10_000);
    const t0 = performance.now();
    const r = await sink.send(batch);
    const ms = performance.now() - t0;
    expect(r.delivered).toBe(10_000);
    console.log(`es sink: 10k records in ${ms.toFixed(0)} ms = ${Math.round(10_000 / (ms / 1000))} records/s`);
    expect(await count(`${index}-big`)).toBe(10_000);
    await sink.stop();
  }, 60_000);
});

describe("createElasticsearchSink when the node is down", () => {
  test("start does not throw; send → retry (template first); probe is quick", async () => {
    const port = await deadPort();
    const sink = sinkFor({ hosts: `http://127.0.0.1:${port}` });
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
