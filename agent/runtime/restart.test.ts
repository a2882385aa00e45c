/**
 * Restart semantics of the disk buffer, through the whole runtime: records appended while a sink
 * is down are delivered after a restart with the sink healthy (exactly once per `_id` in
 * OpenSearch); and after a SIGKILL of `agent run` mid-batch no accepted record is missing
 * (duplicates allowed, a seq never names two different records).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { parseConfigText } from "../config/load.ts";
import { createSearchClient } from "../../core/sinks/elasticsearch/client.ts";
import { AgentRuntime } from "./agent.ts";
import { waitFor } from "../../core/testing/wait-for.ts";

const MAIN = join(import.meta.dir, "../main.ts");
const log = pino({ level: "silent" });
const RUN = `restart${Date.now().toString(36)}`;
const es = createSearchClient({ node: "http://127.0.0.1:9200" });

function yaml(dir: string, sinks: string, source = "{ type: synthetic, id: synth, series: 30, interval: 100ms, seed: 3 }"): string {
  return `
agent: { id: restart-agent, data_dir: ${dir}/var }
sources: [${source}]
model: { online: default }
sinks:
${sinks}
server: { enabled: false }
buffer: { type: disk, segment_size: 64KiB, max_size: 64MiB }
`;
}

function lines(path: string): { seq: number; kind: string; text: string }[] {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  const out: { seq: number; kind: string; text: string }[] = [];
  for (const line of text.split("\n")) {
    try {
      const d = JSON.parse(line);
      out.push({ seq: d.agent.seq, kind: d.event.kind, text: line });
    } catch {
      // a torn last line (the process was killed while writing it)
    }
  }
  return out;
}

type RtStatus = { seq_next: number; sinks: { id: string; state: string; buffer_depth: number; delivered: number }[]; buffer: { records: number } };

/** Starts a runtime and returns it once `cond(status)` holds (within 20 s). */
async function runUntil(config: string, dir: string, what: string, cond: (st: RtStatus) => boolean): Promise<AgentRuntime> {
  const rt = new AgentRuntime(parseConfigText(config, join(dir, "agent.yaml"), {}, { configDir: dir, hostname: "h" }), log);
  await rt.start();
  await waitFor(() => cond(rt.status() as RtStatus), { timeoutMs: 20_000, what });
  return rt;
}

afterAll(async () => {
  await es.indices.delete({ index: `${RUN}-*` }).catch(() => {});
});

describe("disk buffer across restarts", () => {
  test("a file sink that was down gets everything after the restart, once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agent-restart-"));
    writeFileSync(join(dir, "blocker"), ""); // a file where the sink wants a directory: it cannot write
    const down = await runUntil(
      yaml(dir, `  - { type: file, id: out, path: ${dir}/blocker/out.jsonl, batch: { max_wait: 50ms } }`),
      dir,
      "over 100 records held",
      (st) => st.sinks[0].state === "retrying" && st.sinks[0].buffer_depth > 100,
    );
    const st = down.status() as { sinks: { state: string; buffer_depth: number }[]; buffer: { records: number } };
    expect(st.sinks[0].state).toBe("retrying");
    expect(st.sinks[0].buffer_depth).toBeGreaterThan(100);
    await down.stop();
    const appended = (down.status() as { seq_next: number }).seq_next - 1;

    const up = await runUntil(
      yaml(dir, `  - { type: file, id: out, path: ${dir}/out.jsonl, batch: { max_wait: 50ms } }`),
      dir,
      "the backlog delivered",
      (st) => st.sinks[0].delivered >= appended,
    );
    await up.stop();
    const last = (up.status() as { seq_next: number }).seq_next - 1;
    const got = lines(join(dir, "out.jsonl"))
      .map((l) => l.seq)
      .sort((a, b) => a - b);
    expect(appended).toBeGreaterThan(100);
    expect(got).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  }, 30_000);

  test("an Elasticsearch sink pointed at a closed port, then at OpenSearch: every point exactly once by _id", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agent-restart-"));
    const index = `${RUN}-metrics`;
    const sinks = (host: string) => `  - { type: elasticsearch, id: es, hosts: ["${host}"], index: ${index}, batch: { max_wait: 100ms } }
  - { type: file, id: file, path: ${dir}/out.jsonl, batch: { max_wait: 50ms } }`;
    const down = await runUntil(
      yaml(dir, sinks("http://127.0.0.1:1")),
      dir,
      "es retrying with a backlog",
      (st) => st.sinks.find((s) => s.id === "es")!.state === "retrying" && st.seq_next > 300,
    );
    const st = down.status() as { sinks: { id: string; state: string; buffer_depth: number }[] };
    expect(st.sinks.find((s) => s.id === "es")!.state).toBe("retrying");
    await down.stop();
    const up = await runUntil(
      yaml(dir, sinks("http://127.0.0.1:9200")),
      dir,
      "es caught up",
      (st) => st.seq_next > 700 && st.sinks.find((s) => s.id === "es")!.delivered > 0 && st.sinks.find((s) => s.id === "es")!.buffer_depth === 0,
    );
    await up.stop();
    const points = lines(join(dir, "out.jsonl"))
      .filter((l) => l.kind === "metric")
      .map((l) => l.seq);
    await es.indices.refresh({ index });
    const res = await es.search({ index, size: 10_000, _source: ["agent.seq"], query: { match_all: {} } });
    const inEs = res.hits.hits.map((h) => (h._source as { agent: { seq: number } }).agent.seq);
    expect(points.length).toBeGreaterThan(500);
    expect(inEs.length).toBe(points.length);
    expect(new Set(inEs)).toEqual(new Set(points));
  }, 60_000);
});

function max(xs: Iterable<number>): number {
  let m = 0;
  for (const x of xs) if (x > m) m = x;
  return m;
}

/** Seqs of the records in the buffer's segment files (format of core/buffer/disk/format.ts, read independently). */
function bufferedSeqs(bufferDir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync(bufferDir).filter((n) => /^segment-\d+\.log$/.test(n))) {
    const b = readFileSync(join(bufferDir, name));
    let off = 16;
    while (off + 8 <= b.length) {
      const len = b.readUInt32LE(off);
      if (off + 8 + len > b.length) break;
      out.push(JSON.parse(b.toString("utf8", off + 9, off + 8 + len)).agent.seq);
      off += 8 + len;
    }
  }
  return out;
}

test("SIGKILL of agent run mid-batch: after a restart no accepted record is missing, no seq is reused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agent-sigkill-"));
  const out = join(dir, "out.jsonl");
  const config = yaml(
    dir,
    // Batches of 3333 (not a multiple of a 2000-record round): at any moment some accepted records wait.
    `  - { type: file, id: out, path: ${out}, batch: { max_records: 3333, max_wait: 1s } }`,
    "{ type: synthetic, id: synth, series: 2000, interval: 100ms, seed: 5 }",
  );
  writeFileSync(join(dir, "agent.yaml"), config);
  const p = Bun.spawn([process.execPath, MAIN, "run", "--config", join(dir, "agent.yaml")], { stdout: "ignore", stderr: "pipe" });
  await waitFor(() => lines(out).length >= 10_000, { timeoutMs: 30_000, everyMs: 50 }).catch(() => {}); // asserted below
  // Freeze the agent until it holds accepted records the sink has not written yet, then kill it:
  // what is on disk while it is frozen is exactly what it had accepted when it died.
  let delivered: ReturnType<typeof lines> = [];
  let accepted = new Set<number>();
  let k = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    process.kill(p.pid, "SIGSTOP");
    delivered = lines(out);
    accepted = new Set([...delivered.map((l) => l.seq), ...bufferedSeqs(join(dir, "var", "buffer"))]);
    k = max(accepted);
    if (k > max(delivered.map((l) => l.seq))) break;
    process.kill(p.pid, "SIGCONT");
    await Bun.sleep(37);
  }
  p.kill("SIGKILL");
  await p.exited;
  expect(delivered.length).toBeGreaterThan(10_000);
  expect(accepted.size).toBe(k); // 1..k, no hole: nothing accepted was lost before the restart
  expect(k).toBeGreaterThan(max(delivered.map((l) => l.seq))); // some accepted records were not delivered yet

  const again = Bun.spawn([process.execPath, MAIN, "run", "--config", join(dir, "agent.yaml"), "--duration", "2s"], { stdout: "ignore", stderr: "pipe" });
  expect(await again.exited).toBe(0);
  const after = lines(out);
  const bySeq = new Map<number, string>();
  for (const l of after) {
    const seen = bySeq.get(l.seq);
    if (seen !== undefined) expect(l.text).toBe(seen); // a duplicate is the same record, never a reused seq
    bySeq.set(l.seq, l.text);
  }
  for (let s = 1; s <= k; s++) expect(bySeq.has(s)).toBe(true);
  expect(max(bySeq.keys())).toBeGreaterThan(k);
}, 60_000);
