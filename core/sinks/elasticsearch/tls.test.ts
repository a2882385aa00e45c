/**
 * The Elasticsearch sink over TLS with authentication against a REAL node: nginx (Debian's
 * nginx-light) as a TLS reverse proxy with basic / API-key authentication in front of the
 * running OpenSearch (`npm run services:up`; its security plugin is not on Maven Central).
 * Certificates made with openssl by scripts/services/tls-certs.sh. Fails, never skips.
 *
 * Cases: basic auth (password_file) and API key (api_key_file) delivered; wrong password → the
 * driver halts with the reason, nothing lost; ca_fingerprint pinning (match, mismatch); unknown
 * CA and an expired certificate → TLS reason in the probe (/readyz), counters and log; cloud_id.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { MemoryBuffer } from "../../buffer/memory.ts";
import { readinessReasons } from "../../pipeline/slots.ts";
import { Telemetry } from "../../telemetry/metrics.ts";
import { waitFor } from "../../testing/wait-for.ts";
import { SinkDriver } from "../driver.ts";
import type { Sink } from "../sink.ts";
import { makeBatch, requireTcp } from "../testing/records.ts";
import { elasticsearchSink } from "./component.ts";
import { ElasticsearchSinkSchema } from "./config.ts";
import { sharedTlsProxy, type TlsProxy } from "./testing/tls-proxy.ts";

const NODE = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
const HINT = `OpenSearch is not reachable at ${NODE}: run \`npm run services:up\` (see infra/README.md)`;
const run = `${Date.now().toString(36)}-${process.pid}`;
let p: TlsProxy;
let ready: Promise<void>;

const fingerprint = (pem: string) =>
  execFileSync("openssl", ["x509", "-in", pem, "-noout", "-fingerprint", "-sha256"], { encoding: "utf8" }).trim().split("=")[1]!;

beforeAll(() => {
  ready = (async () => {
    await requireTcp(new URL(NODE).host, HINT);
    p = await sharedTlsProxy(new URL(NODE).host);
    writeFileSync(join(p.dir, "es.password"), "agent-secret\n", { mode: 0o600 });
    writeFileSync(join(p.dir, "wrong.password"), "guess\n", { mode: 0o600 });
    writeFileSync(join(p.dir, "es.api_key"), "agent-key:key-secret\n", { mode: 0o600 });
    console.error(`[es tls] nginx TLS proxy ${p.url} -> ${NODE} ready in ${p.startupMs} ms`);
  })();
  ready.catch(() => {});
}, 60_000);

// The proxy is shared with conformance.test.ts and stops with the test process.
afterAll(async () => {
  for (const index of created) {
    await fetch(`${NODE}/${index},${index}-anomalies?ignore_unavailable=true`, { method: "DELETE" }).catch(() => {});
    await fetch(`${NODE}/_index_template/${index}-template`, { method: "DELETE" }).catch(() => {});
  }
});

/** A sink built the way `agent run` builds it: YAML entry → schema → runtime config → component. */
const created = new Set<string>();
function sinkFrom(entry: Record<string, unknown>, id: string): Sink {
  created.add(`tls-${id}-${run}`);
  const file = ElasticsearchSinkSchema.parse({ type: "elasticsearch", id, index: `tls-${id}-${run}`, hosts: [p.url], ...entry });
  const config = elasticsearchSink.toConfig(file, { configDir: p.dir, agentId: "edge", dataDir: p.dir });
  return elasticsearchSink.build(config, pino({ level: "silent" }));
}

function drive(sink: Sink) {
  const lines: string[] = [];
  const log = pino({ level: "info" }, { write: (s: string) => void lines.push(s) });
  const buffer = new MemoryBuffer();
  const driver = new SinkDriver(
    sink,
    buffer,
    { maxWaitMs: 20, backoff: { initialMs: 50, maxMs: 200 }, probeEveryMs: 100 },
    new Telemetry({ defaultMetrics: false }),
    log,
  );
  return { driver, buffer, lines };
}

async function count(index: string): Promise<number> {
  await fetch(`${NODE}/${index}/_refresh`, { method: "POST" });
  const r = await fetch(`${NODE}/${index}/_count`);
  return ((await r.json()) as { count: number }).count;
}

const basic = { username: "agent", password_file: "es.password" };

describe("Elasticsearch sink over TLS + auth (nginx in front of the real node)", () => {
  test("basic auth (password_file) + ca: delivered through the driver, every document in the index", async () => {
    await ready;
    const sink = sinkFrom({ auth: basic, tls: { ca: "pki/ca.pem" } }, "basic");
    const { driver, buffer } = drive(sink);
    await buffer.attach([sink.id]);
    await driver.start();
    await buffer.append(makeBatch("edge", 30));
    await waitFor(() => driver.status().delivered === 30, { timeoutMs: 30_000, what: "30 records delivered over TLS" });
    expect(await driver.stop(5000)).toBe(0);
    expect(await count(`tls-basic-${run}`)).toBe(27);
    expect(await count(`tls-basic-${run}-anomalies`)).toBe(3);
  }, 60_000);

  test("API key from api_key_file (id:key form) is accepted", async () => {
    await ready;
    const sink = sinkFrom({ auth: { api_key_file: "es.api_key" }, tls: { ca: "pki/ca.pem" } }, "apikey");
    await sink.start();
    const r = await sink.send(makeBatch("edge", 5));
    await sink.stop();
    expect([r.delivered, r.errors, r.halt]).toEqual([5, {}, undefined]);
  }, 30_000);

  test("wrong password: the driver halts with the server's reason, nothing lost, /readyz names it", async () => {
    await ready;
    const sink = sinkFrom({ auth: { username: "agent", password_file: "wrong.password" }, tls: { ca: "pki/ca.pem" } }, "wrongpw");
    const { driver, buffer, lines } = drive(sink);
    await buffer.attach([sink.id]);
    await driver.start();
    await buffer.append(makeBatch("edge", 9));
    await waitFor(() => driver.status().state === "halted", { timeoutMs: 30_000, what: "the sink halted" });
    const reason = driver.status().halted_reason!;
    expect(reason).toContain("HTTP 401");
    expect(reason).toContain("security_exception");
    expect(buffer.depth(sink.id)).toBe(9);
    expect(readinessReasons(true, [{ id: sink.id, driver }]).join("\n")).toContain(`sink ${sink.id} halted:`);
    expect(lines.some((l) => l.includes("sink halted; its records are kept") && l.includes("401"))).toBe(true);
    expect(await driver.stop(0)).toBe(9);
  }, 60_000);

  test("ca_fingerprint: the pinned certificate is accepted; another fingerprint is refused before any request", async () => {
    await ready;
    const good = sinkFrom({ auth: basic, tls: { ca_fingerprint: fingerprint(join(p.pki, "server.pem")) } }, "pin-ok");
    await good.start();
    expect((await good.send(makeBatch("edge", 4))).delivered).toBe(4);
    expect(await good.probe()).toBeUndefined();
    await good.stop();
    const bad = sinkFrom({ auth: basic, tls: { ca_fingerprint: fingerprint(join(p.pki, "other-ca.pem")) } }, "pin-bad");
    const r = await bad.send(makeBatch("edge", 4));
    const probe = await bad.probe();
    await bad.stop();
    expect([r.delivered, r.retry.length, r.halt]).toEqual([0, 4, undefined]);
    expect(Object.keys(r.errors)).toEqual(["template_tls_ERR_TLS_FINGERPRINT_MISMATCH"]);
    expect(probe).toContain("does not match the configured fingerprint");
  }, 30_000);

  test("unknown CA and an expired certificate: retried, probe and log name the TLS problem", async () => {
    await ready;
    const cases = [
      {
        id: "unknown-ca",
        entry: { tls: { ca: "pki/other-ca.pem" } },
        code: "tls_SELF_SIGNED_CERT_IN_CHAIN|tls_UNABLE_TO_VERIFY_LEAF_SIGNATURE",
        says: "not signed by a trusted CA",
      },
      { id: "expired", entry: { hosts: [p.expiredUrl], tls: { ca: "pki/ca.pem" } }, code: "tls_CERT_HAS_EXPIRED", says: "certificate has expired" },
    ];
    for (const c of cases) {
      const sink = sinkFrom({ auth: basic, ...c.entry }, c.id);
      const { driver, buffer, lines } = drive(sink);
      await buffer.attach([sink.id]);
      await driver.start();
      await buffer.append(makeBatch("edge", 6));
      await waitFor(() => driver.status().retries >= 6, { timeoutMs: 30_000, what: `${c.id}: a failed attempt` });
      const probe = await sink.probe();
      expect({ id: c.id, probe }).toMatchObject({ id: c.id, probe: expect.stringContaining(c.says) });
      expect(driver.status().state).toBe("retrying");
      expect(driver.status().last_error).toMatch(new RegExp(c.code));
      expect(lines.some((l) => l.includes("sink delivery failed; retrying") && new RegExp(c.code).test(l))).toBe(true);
      expect(readinessReasons(true, [{ id: sink.id, driver, probe }]).join("\n")).toContain(`sink ${c.id}: elasticsearch unreachable at`);
      expect(await driver.stop(0)).toBe(6);
    }
  }, 60_000);

  test("cloud_id: the node URL comes from the ID (here it names the proxy), TLS and auth as configured", async () => {
    await ready;
    const port = new URL(p.url).port;
    const cloudId = `local:${Buffer.from(`0.0.1:${port}$127`).toString("base64")}`;
    const sink = sinkFrom({ hosts: undefined, cloud_id: cloudId, auth: basic, tls: { ca: "pki/ca.pem" } }, "cloud");
    await sink.start();
    const r = await sink.send(makeBatch("edge", 3));
    await sink.stop();
    expect([r.delivered, r.errors]).toEqual([3, {}]);
  }, 30_000);

  test("mutual TLS: tls.cert/tls.key accepted by a proxy that requires a client certificate; without them refused", async () => {
    await ready;
    const ok = sinkFrom({ hosts: [p.mtlsUrl], auth: basic, tls: { ca: "pki/ca.pem", cert: "pki/client.pem", key: "pki/client.key" } }, "mtls");
    await ok.start();
    const r = await ok.send(makeBatch("edge", 3));
    await ok.stop();
    expect([r.delivered, r.errors]).toEqual([3, {}]);
    const anon = sinkFrom({ hosts: [p.mtlsUrl], auth: basic, tls: { ca: "pki/ca.pem" } }, "mtls-anon");
    const refused = await anon.send(makeBatch("edge", 3));
    await anon.stop();
    expect([refused.delivered, refused.retry.length, Object.keys(refused.errors)]).toEqual([0, 3, ["template_http_400"]]);
  }, 30_000);
});
