/**
 * The saved searches and visualizations of agent-saved-objects.ndjson run against the REAL
 * OpenSearch node (`npm run services:up`; OPENSEARCH_URL overrides it; fails, not skips, when it is
 * down), on indices the real Elasticsearch sink wrote (its index template installed, records of the
 * data contract): each index pattern's fields are in the live mapping, each saved search finds
 * documents with its columns, and each visualization's aggregations (translated as OpenSearch
 * Dashboards sends them: date_histogram, terms, count/max/avg) return buckets with values.
 * The index names are the file's with `metrics-edge` replaced by a per-run prefix.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AnomalyRecord, OutRecord, PointRecord } from "../../core/events.ts";
import { createElasticsearchSink } from "../../core/sinks/elasticsearch/sink.ts";
import { fieldProblems, fieldUses, INDEX_REF, mappingFields, parseSavedObjects, queryOf, type SavedObject } from "./saved-objects.ts";

const URL_ = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
const run = `${Date.now().toString(36)}-${process.pid}`;
const PREFIX = `dash-so-${run}`;
const index = PREFIX;
const anomaliesIndex = `${PREFIX}-anomalies`;
const { objects } = parseSavedObjects(readFileSync(join(import.meta.dir, "agent-saved-objects.ndjson"), "utf8"));
const T0 = Date.parse("2026-12-01T10:00:00Z");
const HOSTS = ["edge-1", "edge-2", "edge-3"];
const METRICS = ["cpu.user", "mem.used", "net.rx_bytes"];

type Json = any;

async function os(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${URL_}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

/** Points every 30 s for 20 minutes per (host, metric), a spike on edge-1 cpu.user; open/close events for it and two more. */
function records(): OutRecord[] {
  const out: OutRecord[] = [];
  let seq = 0;
  const base = (t: number, host: string, metric: string) => ({
    "@timestamp": new Date(t).toISOString(),
    agent: { id: host, seq: ++seq },
    host: { name: host },
    metric: { name: metric, labels: { cpu: "total" } },
    model: { name: "online:default", version: "2" },
  });
  for (let i = 0; i < 40; i++) {
    const t = T0 + i * 30_000;
    for (const host of HOSTS) {
      for (const metric of METRICS) {
        const spike = host === "edge-1" && metric === "cpu.user" && i >= 10 && i < 16;
        const score = spike ? 0.9 : 0.1 + (i % 5) * 0.02;
        const doc: PointRecord = {
          ...base(t, host, metric),
          value: spike ? 99 : 20 + (i % 7),
          anomaly: { score, threshold: 0.5, is_anomaly: score > 0.5 },
          event: { kind: "metric" },
        };
        out.push({ kind: "point", doc });
      }
    }
  }
  const event = (host: string, metric: string, from: number, to: number, peak: number): void => {
    const start = new Date(T0 + from * 30_000).toISOString();
    const open: AnomalyRecord = {
      ...base(T0 + from * 30_000, host, metric),
      anomaly: { state: "open", start, peak_score: peak, threshold: 0.5, points: 1 },
      event: { kind: "alert" },
    };
    const end = new Date(T0 + to * 30_000).toISOString();
    const close: AnomalyRecord = {
      ...base(T0 + to * 30_000, host, metric),
      anomaly: { state: "close", start, end, peak_score: peak, threshold: 0.5, points: to - from },
      event: { kind: "alert" },
    };
    out.push({ kind: "anomaly", doc: open }, { kind: "anomaly", doc: close });
  };
  event("edge-1", "cpu.user", 10, 16, 0.9);
  event("edge-1", "cpu.user", 30, 32, 0.7);
  event("edge-2", "mem.used", 20, 25, 0.6);
  return out;
}

/** The real index an index pattern of the file stands for in this run. */
function indexOf(patternId: string): string {
  const title: string = objects.find((o) => o.type === "index-pattern" && o.id === patternId)!.attributes.title;
  return title.replace(/^metrics-edge/, PREFIX);
}

/** The search body OpenSearch Dashboards sends for a saved query (KQL `field:value`, the subset the file uses). */
function queryBody(o: SavedObject): Json {
  const q = queryOf(o).trim();
  return q ? { query_string: { query: q } } : { match_all: {} };
}

/** A visualization's aggregations as OpenSearch Dashboards builds them: buckets nested in order, metrics at each level. */
function aggsOf(vis: Json): { aggs: Json; metrics: string[] } {
  const metricAggs = vis.aggs.filter((a: Json) => a.schema === "metric" && a.type !== "count");
  const metrics: Json = Object.fromEntries(metricAggs.map((a: Json) => [a.id, { [a.type]: { field: a.params.field } }]));
  const buckets = vis.aggs.filter((a: Json) => a.schema !== "metric");
  let inner: Json = metrics;
  for (const b of [...buckets].reverse()) {
    const def =
      b.type === "date_histogram"
        ? { date_histogram: { field: b.params.field, fixed_interval: "1m", min_doc_count: 1 } }
        : {
            terms: {
              field: b.params.field,
              size: b.params.size,
              order: b.params.orderBy === "1" || !metrics[b.params.orderBy] ? { _count: "desc" } : { [b.params.orderBy]: "desc" },
            },
          };
    inner = { [b.id]: { ...def, aggs: inner } };
  }
  return { aggs: inner, metrics: metricAggs.map((a: Json) => a.id) };
}

/** Leaf buckets of a nested aggregation response (those without sub-bucket aggregations). */
function leaves(node: Json): Json[] {
  const subs = Object.values(node ?? {}).filter((v: Json) => v && typeof v === "object" && Array.isArray(v.buckets)) as Json[];
  if (!subs.length) return [node];
  return subs.flatMap((s) => s.buckets.flatMap((b: Json) => leaves(b)));
}

/** What a saved search or visualization gets wrong against the live indices (no hits, no buckets, a missing column). */
async function runProblems(o: SavedObject): Promise<string[]> {
  const target = indexOf(o.references.find((r) => r.name === INDEX_REF)!.id);
  const name = `${o.type}/${o.id}`;
  if (o.type === "search") {
    const sort = (o.attributes.sort as [string, string][]).map(([f, d]) => ({ [f]: d }));
    const r = await os("POST", `/${target}/_search`, { size: 50, query: queryBody(o), sort });
    if (!r.hits.hits.length) return [`${name}: no document matches ${JSON.stringify(queryOf(o))}`];
    const get = (src: Json, path: string) => path.split(".").reduce((n, k) => n?.[k], src) ?? src[path];
    return (o.attributes.columns as string[])
      .filter((c) => !r.hits.hits.some((h: Json) => get(h._source, c) !== undefined))
      .map((c) => `${name}: column ${c} is in no hit`);
  }
  const { aggs, metrics } = aggsOf(JSON.parse(o.attributes.visState));
  const r = await os("POST", `/${target}/_search`, { size: 0, query: queryBody(o), aggs });
  const ls = leaves(r.aggregations);
  if (!ls.length || !ls.some((l) => l.doc_count > 0)) return [`${name}: no bucket for ${JSON.stringify(queryOf(o))}`];
  return metrics.filter((m) => !ls.some((l) => typeof l[m]?.value === "number")).map((m) => `${name}: metric ${m} has no value`);
}

beforeAll(async () => {
  await fetch(URL_).catch(() => {
    throw new Error(`OpenSearch is not reachable at ${URL_}: run \`npm run services:up\` (see infra/README.md)`);
  });
  const sink = createElasticsearchSink({
    id: "es",
    hosts: URL_,
    index,
    anomaliesIndex,
    templateName: `${PREFIX}-template`,
    indexSettings: { number_of_replicas: 0 },
    deadLetterPath: join(mkdtempSync(join(tmpdir(), "saved-objects-")), "dead.jsonl"),
  });
  await sink.start();
  const batch = records();
  const res = await sink.send(batch);
  await sink.stop();
  expect({ delivered: res.delivered, dead: res.dead.length, retry: res.retry.length, halt: res.halt }).toEqual({
    delivered: batch.length,
    dead: 0,
    retry: 0,
    halt: undefined,
  });
  await os("POST", `/${index},${anomaliesIndex}/_refresh`);
});

afterAll(async () => {
  await fetch(`${URL_}/${index},${anomaliesIndex}`, { method: "DELETE" }).catch(() => {});
  await fetch(`${URL_}/_index_template/${PREFIX}-template`, { method: "DELETE" }).catch(() => {});
});

test("each index pattern's fields are in the live mapping of the index the sink wrote, aggregatable where aggregated", async () => {
  const uses = fieldUses(objects);
  for (const ip of objects.filter((o) => o.type === "index-pattern")) {
    const target = indexOf(ip.id);
    const mapping = await os("GET", `/${target}/_mapping`);
    const props = (Object.values(mapping)[0] as Json).mappings.properties;
    const mine = uses.filter((u) => u.indexPattern === ip.id || u.object === `index-pattern/${ip.id}`);
    expect({ pattern: ip.id, problems: fieldProblems(mine, mappingFields(props)) }).toEqual({ pattern: ip.id, problems: [] });
  }
});

test("each saved search finds documents with its columns, each visualization's aggregations return buckets with values", async () => {
  const runnable = objects.filter((o) => o.type === "search" || o.type === "visualization");
  const problems = (await Promise.all(runnable.map(runProblems))).flat();
  console.log(`[opensearch] ${runnable.length} searches and visualizations run against ${index} and ${anomaliesIndex}`);
  expect(problems).toEqual([]);

  // The top-series table ranks edge-1 cpu.user first: 2 anomalies opened, highest score 0.9.
  const top = objects.find((o) => o.id === "agent-top-anomalous-series")!;
  const { aggs } = aggsOf(JSON.parse(top.attributes.visState));
  const r = await os("POST", `/${anomaliesIndex}/_search`, { size: 0, query: queryBody(top), aggs });
  const host = r.aggregations["2"].buckets[0];
  expect([host.key, host["3"].buckets[0].key, host["3"].buckets[0].doc_count, host["3"].buckets[0]["4"].value]).toEqual([
    "edge-1",
    "cpu.user",
    2,
    expect.closeTo(0.9, 5),
  ]);

  // A misspelt query value or a column no document has is caught.
  const broken = structuredClone(objects.find((o) => o.id === "agent-anomalies-over-time-by-host")!);
  broken.attributes.kibanaSavedObjectMeta.searchSourceJSON = broken.attributes.kibanaSavedObjectMeta.searchSourceJSON.replace(
    "anomaly.state:open",
    "anomaly.state:opened",
  );
  expect(await runProblems(broken)).toEqual([`visualization/${broken.id}: no bucket for "anomaly.state:opened"`]);
  const search = structuredClone(objects.find((o) => o.id === "agent-anomalous-points")!);
  search.attributes.columns = [...search.attributes.columns, "anomaly.peak_score"];
  expect(await runProblems(search)).toEqual([`search/${search.id}: column anomaly.peak_score is in no hit`]);
});
