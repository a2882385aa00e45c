/**
 * End to end against the real services (npm run services:up): `agent run` with a synthetic
 * source writes to Kafka and OpenSearch; an independent Kafka consumer and a search query read
 * everything back: every (agent.id, seq) is in OpenSearch exactly once and in Kafka at least
 * once, with the data contract's fields. Then `agent ingest` moves the topic into another index
 * with nothing missing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKafka } from "../../core/sinks/kafka/client.ts";
import { createSearchClient } from "../../core/sinks/elasticsearch/client.ts";
import { waitFor } from "../../core/testing/wait-for.ts";

const MAIN = join(import.meta.dir, "../main.ts");
const RUN = `e2e${Date.now().toString(36)}`;
const TOPIC = `${RUN}-points`;
const ANOM_TOPIC = `${RUN}-anomalies`;
const INDEX = `${RUN}-metrics`;
const es = createSearchClient({ node: "http://127.0.0.1:9200" });

let dir = "";
let fileRecords: { agent: { id: string; seq: number }; event: { kind: string }; metric: { name: string } }[] = [];

async function allSeqs(index: string): Promise<number[]> {
  await es.indices.refresh({ index });
  const res = await es.search({ index, size: 10_000, _source: ["agent.seq"], query: { match_all: {} } });
  return res.hits.hits.map((h) => (h._source as { agent: { seq: number } }).agent.seq);
}

async function consumeAll(topics: string[], expected: number, timeoutMs = 30_000): Promise<Map<string, { key: string; value: Record<string, unknown> }[]>> {
  const kafka = createKafka({ brokers: ["127.0.0.1:9092"], clientId: `${RUN}-reader`, logLevel: "nothing" });
  const consumer = kafka.consumer({ groupId: `${RUN}-reader-${Math.random()}` });
  const got = new Map<string, { key: string; value: Record<string, unknown> }[]>(topics.map((t) => [t, []]));
  let n = 0;
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  void consumer.run({
    eachMessage: async ({ topic, message }) => {
      got.get(topic)!.push({ key: message.key!.toString(), value: JSON.parse(message.value!.toString()) });
      n++;
    },
  });
  await waitFor(() => n >= expected, { timeoutMs }).catch(() => {}); // the caller checks what arrived
  await consumer.disconnect();
  return got;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "agent-e2e-"));
  const config = `
agent: { id: e2e-agent, data_dir: ${dir}/var }
sources:
  - { type: synthetic, id: synth, series: 40, interval: 200ms, anomaly_ratio: 0.5, seed: 11 }
model: { online: default }
sinks:
  - { type: kafka, id: kafka, brokers: ["127.0.0.1:9092"], topic: ${TOPIC}, anomalies_topic: ${ANOM_TOPIC}, batch: { max_wait: 200ms } }
  - { type: elasticsearch, id: es, hosts: ["http://127.0.0.1:9200"], index: ${INDEX}, batch: { max_wait: 200ms } }
  - { type: file, id: local, path: ${dir}/out.jsonl }
server: { enabled: false }
`;
  await writeFile(join(dir, "agent.yaml"), config);
  const p = Bun.spawn([process.execPath, MAIN, "run", "--config", join(dir, "agent.yaml"), "--duration", "30s"], { stdout: "pipe", stderr: "pipe" });
  const code = await p.exited;
  const stderr = await new Response(p.stderr).text();
  if (code !== 0) throw new Error(`agent run exited ${code}: ${stderr}`);
  fileRecords = (await readFile(join(dir, "out.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}, 60_000);

afterAll(async () => {
  await es.indices.delete({ index: `${RUN}-*` }).catch(() => {});
});

describe("agent run → Kafka and OpenSearch", () => {
  test("the file sink saw a gap-free sequence of points and anomaly events", () => {
    const seqs = fileRecords.map((r) => r.agent.seq).sort((a, b) => a - b);
    expect(seqs.length).toBeGreaterThan(40 * 40);
    expect(seqs[0]).toBe(1);
    expect(seqs[seqs.length - 1]).toBe(seqs.length);
    expect(fileRecords.some((r) => r.event.kind === "alert")).toBe(true);
  });

  test("every point is in OpenSearch exactly once, anomalies in their own index", async () => {
    const points = fileRecords.filter((r) => r.event.kind === "metric").map((r) => r.agent.seq);
    const inEs = await allSeqs(INDEX);
    expect(inEs.length).toBe(points.length);
    expect(new Set(inEs)).toEqual(new Set(points));
    const anomalies = fileRecords.filter((r) => r.event.kind === "alert").map((r) => r.agent.seq);
    const inEsAnom = await allSeqs(`${INDEX}-anomalies`);
    expect(new Set(inEsAnom)).toEqual(new Set(anomalies));
    const doc = await es.get({ index: INDEX, id: `e2e-agent:${points[0]}` });
    const src = doc._source as Record<string, any>;
    for (const k of ["@timestamp", "agent", "host", "metric", "value", "anomaly", "model"]) expect(src).toHaveProperty(k);
    expect(src.anomaly).toHaveProperty("is_anomaly");
    expect(src.model.name).toBe("online:default");
  });

  test("every record is in Kafka at least once, keyed by agent.id", async () => {
    const got = await consumeAll([TOPIC, ANOM_TOPIC], fileRecords.length);
    const seen = new Set([...got.get(TOPIC)!, ...got.get(ANOM_TOPIC)!].map((m) => (m.value.agent as { seq: number }).seq));
    for (const r of fileRecords) expect(seen.has(r.agent.seq)).toBe(true);
    expect(got.get(TOPIC)!.every((m) => m.key === "e2e-agent")).toBe(true);
    expect(got.get(ANOM_TOPIC)!.length).toBeGreaterThan(0);
  }, 40_000);

  test("agent ingest moves the points topic into OpenSearch with nothing missing", async () => {
    const index = `${RUN}-ingested`;
    const p = Bun.spawn(
      [process.execPath, MAIN, "ingest", "--topic", TOPIC, "--group", `${RUN}-ingest`, "--index", index, "--dead-letter", join(dir, "dl.jsonl")],
      {
        stdout: "pipe",
        stderr: "pipe",
        env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: "127.0.0.1:9092", ELASTICSEARCH_HOST: "127.0.0.1:9200" },
      },
    );
    const points = fileRecords.filter((r) => r.event.kind === "metric").map((r) => r.agent.seq);
    let inEs: number[] = [];
    await waitFor(async () => (inEs = await allSeqs(index).catch(() => [])).length >= points.length, { timeoutMs: 40_000, everyMs: 250 }).catch(() => {}); // asserted below
    p.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    expect(inEs.length).toBe(points.length);
    expect(new Set(inEs)).toEqual(new Set(points));
  }, 60_000);
});
