/**
 * One outage scenario against the real services: `agent run` ships to Kafka, OpenSearch and a
 * file; one service is stopped for `outageMs` mid-stream and started again; the test watches
 * `/readyz`, `/status` and `/metrics` throughout, waits for the backlog to drain, stops the agent
 * and reconciles the ledger.
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@elastic/elasticsearch";
import { AgentProcess, agentYaml, metricSum } from "./agent-process.ts";
import { range, readFileLedger, readKafkaLedger, readSearchLedger, reconcile, type Reconciliation } from "./ledger.ts";
import type { ServiceInstance, ServiceName } from "./services.ts";

/** What an outage run observed. */
export interface OutageReport {
  reconciliation: Reconciliation;
  /** Drops the agent reported (`agent_dropped_total`, all sinks and reasons) just before it stopped. */
  reportedDrops: number;
  /** Seconds: stopping the service, the outage (service down), starting it, then until the sink's backlog was drained. */
  stopSeconds: number;
  outageSeconds: number;
  startSeconds: number;
  catchUpSeconds: number;
  /** Seconds from the service going down to the first `/readyz` 503 naming the sink. */
  notReadyAfterSeconds: number;
  readyzReasons: string[];
  /** The sink's backlog (records) sampled during the outage, and its state. */
  depths: number[];
  states: string[];
  /** The sink's largest backlog and how many records the source offered during the outage. */
  maxDepth: number;
  offeredDuringOutage: number;
  agentAliveThroughout: boolean;
  exitCode: number;
  log: Record<string, unknown>[];
}

/** Runs one outage of `service` (`sinkId` is the agent's sink that talks to it). */
export async function runOutage(o: {
  services: ServiceInstance;
  es: Client;
  service: ServiceName;
  sinkId: "kafka" | "es";
  dir: string;
  name: string;
  outageMs: number;
}): Promise<OutageReport> {
  const id = `${o.name}-agent`;
  const topic = `${o.name}-points`;
  const index = `${o.name}-metrics`;
  const agent = new AgentProcess(o.dir, id);
  const out = join(o.dir, "out.jsonl");
  await agent.start((port) =>
    agentYaml({
      id,
      dataDir: join(o.dir, "var"),
      port,
      series: 50,
      interval: "250ms",
      seed: 23,
      sinks: [
        `{ type: kafka, id: kafka, brokers: ["${o.services.brokers}"], topic: ${topic}, anomalies_topic: ${topic}-anomalies, batch: { max_wait: 250ms } }`,
        `{ type: elasticsearch, id: es, hosts: ["${o.services.searchUrl}"], index: ${index}, batch: { max_wait: 250ms } }`,
        `{ type: file, id: file, path: ${out}, batch: { max_wait: 250ms } }`,
      ],
    }),
  );
  const sinkOf = async () => agent.sink(await agent.status(), o.sinkId);
  await agent.until(`${o.sinkId} delivering`, async () => (await sinkOf()).delivered > 400, 30_000);

  const stopSeconds = await o.services.down(o.service);
  const downAt = performance.now();
  const seqAtDown = (await agent.status()).seq_next;
  const depths: number[] = [];
  const states: string[] = [];
  const reasons = new Set<string>();
  let notReadyAt = 0;
  let alive = true;
  while (performance.now() - downAt < o.outageMs) {
    const [st, rz] = await Promise.all([agent.status(), agent.readyz()]);
    const s = agent.sink(st, o.sinkId);
    depths.push(s.buffer_depth);
    states.push(s.state);
    const mine = rz.reasons.filter((r) => r.startsWith(`sink ${o.sinkId}`));
    if (rz.status === 503 && mine.length && !notReadyAt) notReadyAt = performance.now();
    for (const r of mine) reasons.add(r);
    alive &&= agent.running;
    await Bun.sleep(1000);
  }
  const seqAtUp = (await agent.status()).seq_next;
  const startSeconds = await o.services.up(o.service);
  const upAt = performance.now();
  const outageSeconds = (upAt - downAt) / 1000 - startSeconds; // stop done → start begun
  // Drained: the sink's backlog is back to what one batch wait holds, and it is healthy again.
  await agent.until(
    `${o.sinkId} backlog drained`,
    async () => {
      const s = await sinkOf();
      return s.state === "ok" && s.buffer_depth < 1000;
    },
    90_000,
    200,
  );
  const catchUpSeconds = (performance.now() - upAt) / 1000;
  await agent.until("ready again", async () => (await agent.readyz()).ready, 30_000);
  alive &&= agent.running;
  const reportedDrops = metricSum(await agent.metrics(), "agent_dropped_total");
  const exitCode = await agent.stop();

  const offered = (JSON.parse(readFileSync(join(o.dir, "var", "seq.json"), "utf8")) as { next: number }).next;
  const file = readFileLedger(out);
  const search = await readSearchLedger(o.es, [index, `${index}-anomalies`]);
  const kafka = await readKafkaLedger(o.services.brokers, [topic, `${topic}-anomalies`], file.bySeq.size);
  return {
    reconciliation: reconcile(range(1, offered), file, search, kafka),
    reportedDrops,
    stopSeconds,
    outageSeconds,
    startSeconds,
    catchUpSeconds,
    notReadyAfterSeconds: notReadyAt ? (notReadyAt - downAt) / 1000 : Number.NaN,
    readyzReasons: [...reasons],
    depths,
    states,
    maxDepth: Math.max(...depths),
    offeredDuringOutage: seqAtUp - seqAtDown,
    agentAliveThroughout: alive,
    exitCode,
    log: agent.logLines(),
  };
}
