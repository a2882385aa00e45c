/**
 * `agent ingest` against the real Kafka (KAFKA_BROKERS, default 127.0.0.1:9092; `npm run
 * services:up`) and OpenSearch: a missing topic ends the process with a clear one-line error
 * and exit 1 (it used to print kafkajs' "This server does not host this topic-partition" and
 * hang); a topic created during `--topic-wait` is picked up; every other stderr line is pino JSON.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKafka } from "../../core/sinks/kafka/client.ts";
import { waitFor } from "../../core/testing/wait-for.ts";

const MAIN = join(import.meta.dir, "../main.ts");
const BROKERS = process.env.KAFKA_BROKERS ?? "127.0.0.1:9092";
const ES = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
const suffix = `${process.pid}-${Date.now().toString(36)}`;
const admin = createKafka({ brokers: BROKERS.split(","), clientId: "ingest-test", logLevel: "nothing" }).admin();
const created: string[] = [];
afterAll(async () => {
  if (created.length) await admin.deleteTopics({ topics: created, timeout: 5000 }).catch(() => {});
  await admin.disconnect().catch(() => {});
});

/** Starts `agent ingest`; its stderr as it comes. */
async function ingest(...args: string[]) {
  const dir = await mkdtemp(join(tmpdir(), "agent-ingest-"));
  const p = Bun.spawn([process.execPath, MAIN, "ingest", "--brokers", BROKERS, "--es", ES, "--dead-letter", join(dir, "dl.jsonl"), ...args], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
  });
  let stderr = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of p.stderr) stderr += decoder.decode(chunk, { stream: true });
  })();
  return { p, stderr: () => stderr, done: async () => [await p.exited, await reading] as const };
}

/** Every stderr line but the last is pino JSON; the last is returned. */
function lastLineAfterJson(stderr: string): string {
  const lines = stderr.trim().split("\n");
  for (const l of lines.slice(0, -1)) expect(typeof JSON.parse(l).level).toBe("number");
  return lines[lines.length - 1]!;
}

test("a missing topic: waits --topic-wait, says so, then exits 1 naming the topic", async () => {
  const topic = `ingest-missing-${suffix}`;
  const run = await ingest("--topic", topic, "--group", `g-${suffix}`, "--topic-wait", "1s");
  const [code] = await run.done();
  expect(code).toBe(1);
  expect(run.stderr()).toContain(`"msg":"waiting up to 1s for missing topic(s) ${topic}"`);
  expect(lastLineAfterJson(run.stderr())).toBe(
    `agent ingest: error: topic "${topic}" does not exist on ${BROKERS} after waiting 1s (--topic-wait): create it (kafka-topics.sh --create --topic ${topic} …) or start an agent whose kafka sink writes it`,
  );
  expect(run.stderr()).not.toContain("does not host this topic-partition");
}, 60_000);

test("--topic-wait 0s fails at once; a missing anomalies topic is named too", async () => {
  const topic = `ingest-points-${suffix}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  created.push(topic);
  const run = await ingest("--topic", topic, "--anomalies-topic", `${topic}-nope`, "--group", `g0-${suffix}`, "--topic-wait", "0s");
  const [code] = await run.done();
  expect(code).toBe(1);
  expect(lastLineAfterJson(run.stderr())).toStartWith(`agent ingest: error: topic "${topic}-nope" does not exist on ${BROKERS} (--topic-wait to wait for it)`);
}, 60_000);

test("a topic created while it waits is picked up; SIGTERM then exits 0", async () => {
  const topic = `ingest-late-${suffix}`;
  const run = await ingest("--topic", topic, "--group", `gl-${suffix}`, "--topic-wait", "60s");
  try {
    await waitFor(() => run.stderr().includes("waiting up to 1m for missing topic(s)"), { timeoutMs: 30_000, what: "the waiting line" });
    created.push(topic);
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await waitFor(() => run.stderr().includes('"msg":"ingest running"'), { timeoutMs: 30_000, what: "ingest running" });
  } catch (error) {
    run.p.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\nagent ingest stderr:\n${run.stderr()}`);
  }
  expect(run.stderr()).toContain('"msg":"topics found; starting"');
  run.p.kill("SIGTERM");
  const [code] = await run.done();
  expect(code).toBe(0);
  for (const l of run.stderr().trim().split("\n")) expect(typeof JSON.parse(l).level).toBe("number");
}, 90_000);
