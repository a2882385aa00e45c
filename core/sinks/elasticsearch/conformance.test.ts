/**
 * The sink conformance suite (core/sinks/testing) for the Elasticsearch sink against the REAL
 * OpenSearch node (`npm run services:up`; OPENSEARCH_URL overrides it). Fails, not skips, when it
 * is down. Unavailable: a port nothing listens on until a TCP proxy to the node opens there.
 * Unauthorised: the node runs without security, so the check goes through nginx as a TLS +
 * basic-auth proxy in front of it (testing/tls-proxy.ts) with a wrong password: 401.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, connect, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deadPort } from "../testing/records.ts";
import { runSinkConformance } from "../testing/conformance.ts";
import { createElasticsearchSink } from "./sink.ts";
import { sharedTlsProxy } from "./testing/tls-proxy.ts";

const URL_ = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
const HINT = `OpenSearch is not reachable at ${URL_}: run \`npm run services:up\` (see infra/README.md)`;
const run = `${Date.now().toString(36)}-${process.pid}`;
const index = `conf-points-${run}`;
const anomaliesIndex = `conf-anomalies-${run}`;
const templateName = `conf-tpl-${run}`;
const dir = mkdtempSync(join(tmpdir(), "es-conformance-"));
const closers: (() => void)[] = [];

const sinkTo = (hosts: string) =>
  createElasticsearchSink({
    id: "es",
    hosts,
    index,
    anomaliesIndex,
    templateName,
    indexSettings: { number_of_replicas: 0 },
    deadLetterPath: join(dir, "dead.jsonl"),
    probeTimeoutMs: 1000,
    templateTimeoutMs: 2000,
  });

/** A TCP proxy to the node listening on `port` (what makes an unreachable node come back). */
function proxyOn(port: number): Promise<void> {
  const target = new URL(URL_);
  const server: Server = createServer((client) => {
    const up = connect(Number(target.port || 80), target.hostname);
    client.pipe(up).pipe(client);
    client.on("error", () => up.destroy());
    up.on("error", () => client.destroy());
  });
  closers.push(() => server.close());
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
}

runSinkConformance("elasticsearch", {
  setup: async () => {
    const r = await fetch(`${URL_}/_cluster/health`, { signal: AbortSignal.timeout(3000) }).catch((e: Error) => {
      throw new Error(`${HINT} (${e.message})`);
    });
    if (!r.ok) throw new Error(`${HINT} (health: HTTP ${r.status})`);
  },
  make: () => sinkTo(URL_),
  readBack: async (agentId) => {
    await fetch(`${URL_}/${index},${anomaliesIndex}/_refresh?ignore_unavailable=true`, { method: "POST" });
    const r = await fetch(`${URL_}/${index},${anomaliesIndex}/_search?ignore_unavailable=true`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ size: 10_000, _source: ["agent.seq"], query: { term: { "agent.id": agentId } } }),
    });
    const body = (await r.json()) as { hits?: { hits: { _source: { agent: { seq: number } } }[] } };
    return (body.hits?.hits ?? []).map((h) => h._source.agent.seq);
  },
  unavailable: async () => {
    const port = await deadPort();
    return { sink: sinkTo(`http://127.0.0.1:${port}`), recover: () => proxyOn(port) };
  },
  // The real node behind the nginx TLS + authentication proxy (testing/tls-proxy.ts, shared with
  // tls.test.ts), with a wrong password.
  unauthorised: async () => {
    const p = await sharedTlsProxy(new URL(URL_).host);
    const sink = createElasticsearchSink({
      id: "es",
      hosts: p.url,
      index,
      anomaliesIndex,
      templateName,
      indexSettings: { number_of_replicas: 0 },
      deadLetterPath: join(dir, "dead.jsonl"),
      auth: { username: "agent", password: "not-the-password" },
      tls: { ca: readFileSync(join(p.pki, "ca.pem"), "utf8") },
    });
    return { sink };
  },
  teardown: async () => {
    for (const close of closers) close();
    await fetch(`${URL_}/${index},${anomaliesIndex}?ignore_unavailable=true`, { method: "DELETE" }).catch(() => {});
    await fetch(`${URL_}/_index_template/${templateName}`, { method: "DELETE" }).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  },
});
