/**
 * The Elasticsearch sink's checks against a REAL node, shared by `sink.test.ts` (the shared
 * OpenSearch 2.19 on :9200) and `agent/e2e/opensearch3.test.ts` (a private OpenSearch 3.x): template
 * installed and mappings per the data contract, probe, delivery of points and anomalies, the same
 * batch twice delivered exactly once by `_id`, a 400 mapping error → dead + one dead-letter line,
 * one 10k-record batch. Not a test file itself: `describeSinkAgainst` registers a `describe`
 * block (with its own hooks) in the calling test file. Test-only, never imported at runtime.
 * @module
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OutRecord } from "../../../events.ts";
import { makeBatch, makePoint } from "../../testing/records.ts";
import { createSearchClient } from "../client.ts";
import { createElasticsearchSink } from "../sink.ts";
import { TEMPLATE_VERSION } from "../template.ts";

export interface SinkCheckTarget {
  /** What the node is, for the suite's title: "OpenSearch", "OpenSearch 3.9.0". */
  name: string;
  /** Base URL of the node, e.g. `http://127.0.0.1:9200`. */
  url: string;
  /**
   * Resolves when the node is usable; rejects with a message saying why not (and how to fix it).
   * Awaited at the start of every test, so an unreachable node fails each test, never skips it.
   */
  ready: () => Promise<void>;
}

/** Registers `createElasticsearchSink against <name>` with the checks above, against `target.url`. */
export function describeSinkAgainst(target: SinkCheckTarget): void {
  const URL_ = target.url;
  const run = `${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  const index = `it-points-${run}`;
  const anomaliesIndex = `it-anomalies-${run}`;
  const templateName = `it-tpl-${run}`;
  const admin = createSearchClient({ node: URL_, maxRetries: 0, requestTimeoutMs: 10_000 });
  let dir: string;

  function sinkFor(over: Partial<Parameters<typeof createElasticsearchSink>[0]> = {}) {
    return createElasticsearchSink({
      id: "es-it",
      hosts: URL_,
      index,
      anomaliesIndex,
      templateName,
      indexSettings: { number_of_replicas: 0 },
      deadLetterPath: join(dir, "dead", "es.jsonl"),
      ...over,
    });
  }

  async function count(idx: string, agentId?: string): Promise<number> {
    await admin.indices.refresh({ index: idx });
    return (await admin.count({ index: idx, ...(agentId ? { query: { term: { "agent.id": agentId } } } : {}) })).count;
  }

  describe(`createElasticsearchSink against ${target.name}`, () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "es-sink-"));
    });

    afterAll(async () => {
      await admin.indices.delete({ index: [index, anomaliesIndex, `${index}-big`], ignore_unavailable: true }).catch(() => {});
      await admin.transport.request({ method: "DELETE", path: `/_index_template/${templateName}` }, { ignore: [404] }).catch(() => {});
      await admin.transport.request({ method: "DELETE", path: `/_index_template/${templateName}-big` }, { ignore: [404] }).catch(() => {});
      await admin.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test("start installs the template; mapping of the created indices follows the contract", async () => {
      await target.ready();
      const sink = sinkFor();
      await sink.start();
      expect(await sink.probe()).toBeUndefined();
      const tpl = (await admin.transport.request({ method: "GET", path: `/_index_template/${templateName}` })) as {
        index_templates: { index_template: { index_patterns: string[]; version: number } }[];
      };
      expect(tpl.index_templates[0]!.index_template.index_patterns.sort()).toEqual([anomaliesIndex, index].sort());
      expect(tpl.index_templates[0]!.index_template.version).toBe(TEMPLATE_VERSION);

      expect((await sink.send(makeBatch("agent-es", 20))).delivered).toBe(20); // seq 19: a drift record
      const m = (await admin.indices.getMapping({ index: [index, anomaliesIndex] })) as Record<string, { mappings: { properties: Record<string, any> } }>;
      const p = m[index]!.mappings.properties;
      expect(p.value.type).toBe("double");
      expect(p.agent.properties).toEqual({ id: { type: "keyword" }, seq: { type: "long" } });
      expect(p.metric.properties.labels.properties.series.type).toBe("keyword");
      expect(p["@timestamp"].type).toBe("date");
      const a = m[anomaliesIndex]!.mappings.properties.anomaly.properties;
      expect([a.state.type, a.start.type, a.peak_score.type, a.points.type]).toEqual(["keyword", "date", "float", "integer"]);
      const d = m[anomaliesIndex]!.mappings.properties.drift.properties;
      expect([d.state.type, d.stream.type, d.psi.type, d.level.type]).toEqual(["keyword", "keyword", "double", "double"]);
      await sink.stop();
    });

    test("delivers points and anomalies; the same batch twice → all delivered, counts unchanged (exactly once by _id)", async () => {
      await target.ready();
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
      await target.ready();
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
      const lines = (await readFile(join(dir, "dead", "es.jsonl"), "utf8"))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ status: 400, record: bad, sink: "es-it" });
      expect(lines[0].reason).toMatch(/pars/);
      await sink.stop();
    });

    test("throughput: one 10k-record batch", async () => {
      await target.ready();
      const sink = sinkFor({ index: `${index}-big`, anomaliesIndex: `${index}-big`, templateName: `${templateName}-big` });
      await sink.start();
      const batch = makeBatch("agent-big", 10_000);
      const t0 = performance.now();
      const r = await sink.send(batch);
      const ms = performance.now() - t0;
      expect(r.delivered).toBe(10_000);
      console.log(`es sink (${target.name}): 10k records in ${ms.toFixed(0)} ms = ${Math.round(10_000 / (ms / 1000))} records/s`);
      expect(await count(`${index}-big`)).toBe(10_000);
      await sink.stop();
    }, 60_000);
  });
}
