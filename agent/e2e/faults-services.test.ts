/**
 * Fault tests against a private Kafka + OpenSearch instance (own ports and run dir; the shared
 * services on 9092/9200 are not touched): (a) the Kafka broker stopped for 30 s mid-stream,
 * (b) OpenSearch stopped for 30 s, (c) `agent run` killed with SIGKILL mid-batch and restarted,
 * (e) OpenSearch answering 429 (a proxy in front of the real node). Each reconciles a ledger: every seq the agent handed out is
 * accepted (file sink) or reported dropped, every accepted record is in OpenSearch exactly once
 * (identical document) and in Kafka at least once. See agent/e2e/faults/README.md.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createSearchClient } from "../../core/sinks/elasticsearch/client.ts";
import { AgentProcess, agentYaml, metricSum } from "./faults/agent-process.ts";
import { range, readFileLedger, readKafkaLedger, readSearchLedger, reconcile, summary } from "./faults/ledger.ts";
import { SearchProxy } from "./faults/proxy.ts";
import { readFrames } from "./faults/segments.ts";
import { runOutage, type OutageReport } from "./faults/outage.ts";
import { removeScratch, scratchDir, ServiceInstance } from "./faults/services.ts";

const OUTAGE_MS = Number(process.env.FAULTS_OUTAGE_MS ?? 30_000);
const RUN = `faults${Date.now().toString(36)}`;
const services = new ServiceInstance(["kafka", "opensearch"]);
let es: ReturnType<typeof createSearchClient>;

beforeAll(async () => {
  const s = await services.up();
  es = createSearchClient({ node: services.searchUrl });
  console.log(`[faults] private kafka ${services.brokers} + opensearch ${services.searchUrl} up in ${s.toFixed(1)} s (run dir ${services.runDir})`);
}, 180_000);

afterAll(async () => {
  await es?.close();
  await services.destroy();
  removeScratch();
}, 60_000);

function expectOutageSurvived(r: OutageReport, sinkId: string): void {
  const c = r.reconciliation;
  console.log(
    `[faults] ${sinkId} outage ${r.outageSeconds.toFixed(1)} s: ${summary(c)}; not ready after ${r.notReadyAfterSeconds.toFixed(1)} s; backlog max ${r.maxDepth} (offered during outage ${r.offeredDuringOutage}); catch-up ${r.catchUpSeconds.toFixed(1)} s after start${r.log.some((l) => l.msg === "sink reachable again; retrying now") ? " (woken by the probe)" : ""} (start took ${r.startSeconds.toFixed(1)} s); reasons ${JSON.stringify(r.readyzReasons.slice(0, 1))}`,
  );
  expect(r.agentAliveThroughout).toBe(true);
  expect(r.exitCode).toBe(0);
  expect(r.outageSeconds).toBeGreaterThanOrEqual((OUTAGE_MS - 1000) / 1000);
  // /readyz says why while the sink is down.
  expect(r.notReadyAfterSeconds).toBeLessThan(12);
  expect(r.readyzReasons.length).toBeGreaterThan(0);
  // The backlog grows in the buffer during the outage (and is drained after: runOutage waited for it).
  expect(r.states.slice(-5).every((s) => s === "retrying")).toBe(true);
  expect(r.depths[r.depths.length - 1]).toBeGreaterThan(r.depths[2]);
  expect(r.maxDepth).toBeGreaterThan(r.offeredDuringOutage * 0.8);
  // The ledger: nothing lost, nothing dropped, exactly once in OpenSearch, at least once in Kafka.
  expect(r.reportedDrops).toBe(0);
  expect(c.notAccepted).toEqual([]);
  expect(c.accepted).toBe(c.offered);
  expect(c.missingInSearch).toEqual([]);
  expect(c.extraInSearch).toEqual([]);
  expect(c.searchDuplicates).toBe(0);
  expect(c.searchMismatches).toEqual([]);
  expect(c.missingInKafka).toEqual([]);
  const msgs = r.log.map((l) => `${l.msg}`);
  expect(msgs).toContain("sink delivery failed; retrying");
  expect(msgs).toContain("sink recovered");
  // The backlog starts draining when the service is back, not after the rest of a long backoff
  // (up to 30 s): the driver probes during long backoffs ("sink reachable again; retrying now",
  // unless the backoff happened to end first).
  expect(r.catchUpSeconds).toBeLessThan(20);
}

describe("outages of a real service, 30 s mid-stream", () => {
  test("(a) Kafka broker stopped and started again: backlog held, drained, nothing lost", async () => {
    const dir = scratchDir("agent-faults-a-");
    const r = await runOutage({ services, es, service: "kafka", sinkId: "kafka", dir, name: `${RUN}-a`, outageMs: OUTAGE_MS });
    expectOutageSurvived(r, "kafka");
  }, 180_000);

  test("(b) OpenSearch stopped and started again: backlog held, drained, exactly once", async () => {
    const dir = scratchDir("agent-faults-b-");
    const r = await runOutage({ services, es, service: "opensearch", sinkId: "es", dir, name: `${RUN}-b`, outageMs: OUTAGE_MS });
    expectOutageSurvived(r, "es");
  }, 180_000);
});

const seqFile = (dir: string) => (JSON.parse(readFileSync(join(dir, "var", "seq.json"), "utf8")) as { next: number }).next;

test("(c) SIGKILL mid-batch and restart: the disk buffer replays, no accepted record is lost, no seq is reused", async () => {
  const dir = scratchDir("agent-faults-c-");
  const name = `${RUN}-c`;
  const [id, topic, index, out] = [`${name}-agent`, `${name}-points`, `${name}-metrics`, join(dir, "out.jsonl")];
  const agent = new AgentProcess(dir, id);
  const yaml = (port: number) =>
    agentYaml({
      id,
      dataDir: join(dir, "var"),
      port,
      series: 300,
      interval: "200ms",
      seed: 29,
      sinks: [
        `{ type: kafka, id: kafka, brokers: ["${services.brokers}"], topic: ${topic}, anomalies_topic: ${topic}-anomalies, batch: { max_records: 1000, max_wait: 500ms } }`,
        `{ type: elasticsearch, id: es, hosts: ["${services.searchUrl}"], index: ${index}, batch: { max_records: 1000, max_wait: 500ms } }`,
        // Batches of 777 (not a multiple of a 300-record round): some accepted records always wait.
        `{ type: file, id: file, path: ${out}, batch: { max_records: 777, max_wait: 1s } }`,
      ],
    });
  await agent.start(yaml);
  await agent.until(
    "5000 records in the file sink and in OpenSearch",
    async () => {
      const st = await agent.status();
      return agent.sink(st, "file").delivered > 5000 && agent.sink(st, "es").delivered > 3000;
    },
    60_000,
  );

  // Freeze the agent until it holds accepted records that neither the file sink nor OpenSearch
  // has yet (a batch in flight), then kill it: what is on disk while it is frozen is exactly
  // what it had accepted when it died.
  let accepted = new Set<number>();
  let k = 0;
  let inFile = 0;
  let inSearch = 0;
  for (let attempt = 0; attempt < 100; attempt++) {
    process.kill(agent.pid, "SIGSTOP");
    const file = readFileLedger(out);
    accepted = new Set([...file.bySeq.keys(), ...readFrames(join(dir, "var", "buffer")).map((f) => f.seq)]);
    k = Math.max(...accepted);
    inFile = Math.max(...file.bySeq.keys());
    await es.indices.refresh({ index: `${index}*` });
    inSearch = (await es.count({ index: `${index}*` })).count;
    if (k > inFile && k > inSearch) break;
    process.kill(agent.pid, "SIGCONT");
    await Bun.sleep(37);
  }
  await agent.kill();
  expect(accepted.size).toBe(k); // 1..k without a hole: nothing accepted was lost before the restart
  expect(k).toBeGreaterThan(inFile);
  expect(k).toBeGreaterThan(inSearch);
  const reserved = seqFile(dir); // after a crash the sequence continues at the reserved mark
  expect(reserved).toBeGreaterThan(k);

  const restartedAt = performance.now();
  await agent.start(yaml);
  await agent.until(
    "backlog replayed to every sink and new records delivered",
    async () => {
      const st = await agent.status();
      return st.seq_next > reserved + 3000 && st.sinks.every((s) => s.state === "ok" && s.buffer_depth < 1500);
    },
    60_000,
  );
  const replayed = (performance.now() - restartedAt) / 1000;
  const drops = metricSum(await agent.metrics(), "agent_dropped_total");
  expect(await agent.stop()).toBe(0);

  const next = seqFile(dir);
  const file = readFileLedger(out);
  const search = await readSearchLedger(es, [index, `${index}-anomalies`]);
  const kafka = await readKafkaLedger(services.brokers, [topic, `${topic}-anomalies`], file.bySeq.size);
  const r = reconcile([...range(1, k + 1), ...range(reserved, next)], file, search, kafka);
  const backlog = agent.logLines().find((l) => l.msg === "replaying buffered records not yet delivered")?.backlog as Record<string, number> | undefined;
  console.log(
    `[faults] SIGKILL with ${k} accepted (file sink had ${inFile}, OpenSearch ${inSearch}); restart replayed ${JSON.stringify(backlog)}; drained ${replayed.toFixed(1)} s after restart; ${summary(r)}; file-sink duplicates ${file.duplicates} (torn lines ${file.glued}); seq resumed at ${reserved}`,
  );
  expect(backlog?.es).toBeGreaterThan(0);
  expect(drops).toBe(0);
  expect(r.notAccepted).toEqual([]);
  expect(file.conflicts).toEqual([]); // a seq never names two different records
  expect(r.missingInSearch).toEqual([]);
  expect(r.extraInSearch).toEqual([]);
  expect(r.searchDuplicates).toBe(0);
  expect(r.searchMismatches).toEqual([]);
  expect(r.missingInKafka).toEqual([]);
  expect(Math.min(...[...file.bySeq.keys()].filter((s) => s > k))).toBe(reserved);
}, 180_000);

test("(e) OpenSearch answering 429 (whole requests, then single items): retried, nothing lost, exactly once", async () => {
  const dir = scratchDir("agent-faults-e-");
  const name = `${RUN}-e`;
  const [id, index, out] = [`${name}-agent`, `${name}-metrics`, join(dir, "out.jsonl")];
  const proxy = new SearchProxy(services.searchUrl);
  const agent = new AgentProcess(dir, id);
  try {
    await agent.start((port) =>
      agentYaml({
        id,
        dataDir: join(dir, "var"),
        port,
        series: 50,
        interval: "250ms",
        seed: 31,
        sinks: [
          `{ type: elasticsearch, id: es, hosts: ["${proxy.url}"], index: ${index}, batch: { max_wait: 250ms } }`,
          `{ type: file, id: file, path: ${out}, batch: { max_wait: 250ms } }`,
        ],
      }),
    );
    await agent.until("es delivering", async () => agent.sink(await agent.status(), "es").delivered > 400, 30_000);
    const t0 = performance.now();
    proxy.rejectRequests = 3;
    proxy.rejectItems = 3;
    const states = new Set<string>();
    const ready = new Set<boolean>();
    await agent.until(
      "every planned rejection answered",
      async () => {
        states.add(agent.sink(await agent.status(), "es").state);
        ready.add((await agent.readyz()).ready);
        return proxy.rejectRequests === 0 && proxy.rejectItems === 0;
      },
      60_000,
      100,
    );
    await agent.until(
      "es backlog drained",
      async () => {
        const s = agent.sink(await agent.status(), "es");
        return s.state === "ok" && s.buffer_depth < 500;
      },
      60_000,
    );
    const recovered = (performance.now() - t0) / 1000;
    const m = await agent.metrics();
    const st = await agent.status();
    expect(await agent.stop()).toBe(0);

    const file = readFileLedger(out);
    const search = await readSearchLedger(es, [index, `${index}-anomalies`]);
    const r = reconcile(range(1, seqFile(dir)), file, search);
    const http429 = metricSum(m, "agent_component_errors_total", { component: "es", error_type: "http_429" });
    console.log(
      `[faults] 429: proxy rejected ${proxy.counts.rejectedRequests} bulk requests + ${proxy.counts.rejectedItems} items (of ${proxy.counts.bulk} bulks); agent counted http_429 ${http429}, retries ${agent.sink(st, "es").retries}; states ${[...states]}; /readyz ready ${[...ready]}; recovered ${recovered.toFixed(1)} s after the first 429; ${summary(r)}`,
    );
    expect(proxy.counts.rejectedRequests).toBe(3);
    expect(proxy.counts.rejectedItems).toBeGreaterThan(0);
    // Every rejection is counted once: a whole request once, a rejected item once.
    expect(http429).toBe(proxy.counts.rejectedRequests + proxy.counts.rejectedItems);
    expect(agent.sink(st, "es").retries).toBeGreaterThan(0);
    expect(states.has("retrying")).toBe(true);
    expect(metricSum(m, "agent_dropped_total")).toBe(0);
    expect(agent.sink(st, "es").dead).toBe(0);
    expect(r.notAccepted).toEqual([]);
    expect(r.missingInSearch).toEqual([]);
    expect(r.extraInSearch).toEqual([]);
    expect(r.searchDuplicates).toBe(0);
    expect(r.searchMismatches).toEqual([]);
  } finally {
    if (agent.running) await agent.kill();
    proxy.stop();
  }
}, 120_000);
