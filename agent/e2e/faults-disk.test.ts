/**
 * Fault tests of the disk buffer, with a private OpenSearch node (own ports and run dir) behind a
 * test proxy that can play "down": (d) the buffer on a 4 MiB tmpfs that fills up while
 * OpenSearch is down, with `when_full: drop_newest` (drops counted exactly) and `block` (nothing
 * dropped, the source held back); (f) a segment file damaged while the agent is stopped (skipped
 * with a counter and one log line, no crash loop; exactly the damaged records are missing).
 * See agent/e2e/faults/README.md.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { createSearchClient } from "../../core/sinks/elasticsearch/client.ts";
import { AgentProcess, agentYaml, metricSum, type AgentStatus } from "./faults/agent-process.ts";
import { range, readFileLedger, readSearchLedger, reconcile, summary } from "./faults/ledger.ts";
import { SearchProxy } from "./faults/proxy.ts";
import { breakHeader, breakLength, corruptFrames, readFrames } from "./faults/segments.ts";
import { removeScratch, scratchDir, ServiceInstance } from "./faults/services.ts";

const RUN = `faultsd${Date.now().toString(36)}`;
const services = new ServiceInstance(["opensearch"]);
let es: ReturnType<typeof createSearchClient>;
let proxy: SearchProxy;

beforeAll(async () => {
  const s = await services.up();
  es = createSearchClient({ node: services.searchUrl });
  proxy = new SearchProxy(services.searchUrl);
  console.log(`[faults] private opensearch ${services.searchUrl} up in ${s.toFixed(1)} s`);
}, 180_000);

afterAll(async () => {
  proxy?.stop();
  await es?.close();
  await services.destroy();
  removeScratch();
}, 60_000);

const seqFile = (dir: string) => (JSON.parse(readFileSync(join(dir, "var", "seq.json"), "utf8")) as { next: number }).next;

function sh(...cmd: string[]): { ok: boolean; out: string } {
  const p = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  return { ok: p.exitCode === 0, out: `${p.stdout.toString()}${p.stderr.toString()}` };
}

/** Mounts a `size`-limited tmpfs at `dir` (we run as root); the caller unmounts. */
function mountTmpfs(dir: string, size: string): void {
  mkdirSync(dir, { recursive: true });
  const r = sh("mount", "-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir);
  if (!r.ok) throw new Error(`mount -t tmpfs failed (this test needs root and mount permission): ${r.out}`);
}

function umount(dir: string): void {
  if (!sh("umount", dir).ok) sh("umount", "-l", dir);
}

describe("(d) the buffer's file system fills up while OpenSearch is down (4 MiB tmpfs)", () => {
  for (const whenFull of ["drop_newest", "block"] as const) {
    test(`when_full: ${whenFull}`, async () => {
      const dir = scratchDir(`agent-faults-d-${whenFull}-`);
      const name = `${RUN}-d-${whenFull.replace("_", "")}`;
      const [id, index, out, bufferDir] = [`${name}-agent`, `${name}-metrics`, join(dir, "out.jsonl"), join(dir, "var", "buffer")];
      mountTmpfs(bufferDir, "4m");
      const agent = new AgentProcess(dir, id);
      proxy.mode = "pass";
      try {
        const yaml = (port: number) =>
          agentYaml({
            id,
            dataDir: join(dir, "var"),
            port,
            series: 400,
            interval: "200ms",
            seed: 37,
            // max_size is far above the file system: the disk fills first.
            buffer: `{ type: disk, segment_size: 256KiB, max_size: 64MiB, when_full: ${whenFull} }`,
            sinks: [
              `{ type: elasticsearch, id: es, hosts: ["${proxy.url}"], index: ${index}, batch: { max_records: 2000, max_wait: 250ms } }`,
              `{ type: file, id: file, path: ${out}, batch: { max_wait: 250ms } }`,
            ],
          });
        await agent.start(yaml);
        await agent.until("es delivering", async () => agent.sink(await agent.status(), "es").delivered > 2000, 30_000);
        proxy.mode = "down";
        const downAt = performance.now();
        // Full: drops start (drop_newest) or the sequence stops moving (block).
        const full = async (): Promise<AgentStatus | undefined> => {
          const a = await agent.status();
          if (whenFull === "drop_newest") return a.buffer.dropped > 0 ? a : undefined;
          await Bun.sleep(1000);
          const b = await agent.status();
          return b.seq_next === a.seq_next && b.buffer.records > 1000 ? b : undefined;
        };
        const atFull = await agent.until("the buffer's file system is full", full, 60_000);
        const fullAfter = (performance.now() - downAt) / 1000;
        const fs = statfsSync(bufferDir);
        const usedMiB = ((fs.blocks - fs.bfree) * fs.bsize) / 2 ** 20;
        await Bun.sleep(4000); // stay full for a while
        const stillFull = await agent.status();
        let resumeFrom = stillFull.seq_next;
        const rz = await agent.readyz();
        expect(agent.running).toBe(true);
        expect(rz.status).toBe(503);
        let offered = (next: number) => range(1, next);
        let restart = "";
        if (whenFull === "block") {
          // SIGKILL while blocked, restart on the full disk: the agent must start (not exit
          // "disk full" in a loop: the backlog could then never drain) and stay blocked.
          process.kill(agent.pid, "SIGSTOP");
          const accepted = new Set([...readFileLedger(out).bySeq.keys(), ...readFrames(bufferDir).map((f) => f.seq)]);
          const k = Math.max(...accepted);
          await agent.kill();
          expect(accepted.size).toBe(k);
          const reserved = seqFile(dir);
          offered = (next) => [...range(1, k + 1), ...range(reserved, next)];
          await agent.start(yaml);
          await Bun.sleep(2000);
          const first = await agent.status();
          await Bun.sleep(1000);
          const again = await agent.status();
          const diskFullLine = agent.logLines().find((l) => l.error_type === "disk_full" && `${l.msg}`.includes("starting with the backlog"));
          restart = `; SIGKILL at seq ${k} while blocked, restarted on the full disk: running ${agent.running}, ${again.buffer.records} records held, seq ${reserved} → ${again.seq_next} after 3 s (one round held)`;
          expect(agent.running).toBe(true);
          expect(diskFullLine).toBeDefined();
          // Still blocked: the first round (its seqs taken) waits for space, no other round is scored.
          expect(again.seq_next).toBe(first.seq_next);
          expect(again.seq_next - reserved).toBeLessThan(500);
          expect((await agent.readyz()).status).toBe(503);
          resumeFrom = again.seq_next;
        }
        proxy.mode = "pass";
        const upAt = performance.now();
        await agent.until(
          "es backlog drained, the source flowing again",
          async () => {
            const st = await agent.status();
            const s = agent.sink(st, "es");
            return s.state === "ok" && s.buffer_depth < 3000 && st.seq_next > resumeFrom + 2000;
          },
          90_000,
        );
        const drained = (performance.now() - upAt) / 1000;
        const m = await agent.metrics();
        const st = await agent.status();
        expect(await agent.stop()).toBe(0);

        const file = readFileLedger(out);
        const search = await readSearchLedger(es, [index, `${index}-anomalies`]);
        const r = reconcile(offered(seqFile(dir)), file, search);
        const diskFull = metricSum(m, "agent_component_errors_total", { component: "buffer", error_type: "disk_full" });
        const dropped = {
          es: metricSum(m, "agent_dropped_total", { component: "es" }),
          file: metricSum(m, "agent_dropped_total", { component: "file" }),
          status: st.buffer.dropped,
        };
        console.log(
          `[faults] tmpfs 4 MiB, when_full ${whenFull}: full ${fullAfter.toFixed(1)} s after OpenSearch went down (${usedMiB.toFixed(1)} MiB used, ${atFull.buffer.records} records held); while full: seq ${atFull.seq_next} → ${stillFull.seq_next} in 4 s, dropped ${atFull.buffer.dropped} → ${stillFull.buffer.dropped}; drained ${drained.toFixed(1)} s after recovery; reported drops ${JSON.stringify(dropped)} by reason ${JSON.stringify(st.buffer.dropped_by_reason)}, disk_full errors ${diskFull}${restart}; ${summary(r)}`,
        );
        expect(diskFull).toBeGreaterThan(0);
        // The ledger: what was not accepted is exactly what the agent says it dropped; the rest is in OpenSearch once.
        expect(dropped.es).toBe(r.notAccepted.length);
        expect(dropped.file).toBe(r.notAccepted.length);
        expect(dropped.status).toBe(r.notAccepted.length);
        expect(r.missingInSearch).toEqual([]);
        expect(r.extraInSearch).toEqual([]);
        expect(r.searchDuplicates).toBe(0);
        expect(r.searchMismatches).toEqual([]);
        if (whenFull === "drop_newest") {
          expect(r.notAccepted.length).toBeGreaterThan(0);
          expect(stillFull.seq_next).toBeGreaterThan(atFull.seq_next); // the source kept going
          expect(Object.keys(st.buffer.dropped_by_reason)).toEqual(["buffer_full"]);
        } else {
          expect(r.notAccepted).toEqual([]);
          expect(stillFull.buffer.dropped).toBe(0);
          expect(stillFull.seq_next).toBe(atFull.seq_next); // back-pressure: no round scored while full
        }
      } finally {
        if (agent.running) await agent.kill();
        umount(bufferDir);
      }
    }, 180_000);
  }
});

test("(f) damaged segments: the bad records are skipped, counted exactly and logged once; no crash loop; exactly they are missing", async () => {
  const dir = scratchDir("agent-faults-f-");
  const name = `${RUN}-f`;
  const [id, index, out, bufferDir] = [`${name}-agent`, `${name}-metrics`, join(dir, "out.jsonl"), join(dir, "var", "buffer")];
  const agent = new AgentProcess(dir, id);
  const yaml = (port: number) =>
    agentYaml({
      id,
      dataDir: join(dir, "var"),
      port,
      series: 50,
      interval: "100ms",
      seed: 41,
      buffer: "{ type: disk, segment_size: 64KiB, max_size: 64MiB }",
      sinks: [
        `{ type: elasticsearch, id: es, hosts: ["${proxy.url}"], index: ${index}, batch: { max_wait: 250ms } }`,
        `{ type: file, id: file, path: ${out}, batch: { max_wait: 250ms } }`,
      ],
    });
  proxy.mode = "down"; // OpenSearch unreachable: its records stay in the buffer
  await agent.start(yaml);
  await agent.until("4000 records buffered for es", async () => agent.sink(await agent.status(), "es").buffer_depth > 4000, 30_000);
  expect(await agent.stop()).toBe(0);
  const run1 = seqFile(dir) - 1;

  // Three kinds of damage in three middle segments (never the last one: a torn last record is a
  // crash mid-write, whose count the reader cannot know): bit rot in three consecutive records
  // (CRC), an impossible length field (the rest of that segment is unreadable), a garbage header
  // (the whole segment is set aside).
  const frames = readFrames(bufferDir);
  const segments = [...new Set(frames.map((f) => f.segment))];
  const inSegment = (i: number) => frames.filter((f) => f.segment === segments[Math.floor((segments.length * i) / 4)]);
  const [a, b, c] = [inSegment(1), inSegment(2), inSegment(3)];
  const mid = (fs: typeof frames) => Math.floor(fs.length / 2);
  const rotten = a.slice(mid(a), mid(a) + 3);
  corruptFrames(bufferDir, rotten);
  breakLength(bufferDir, b[mid(b)]);
  breakHeader(bufferDir, c[0].segment);
  const damaged = [...rotten, ...b.slice(mid(b)), ...c];
  const damagedSeqs = damaged.map((f) => f.seq).sort((x, y) => x - y);
  proxy.mode = "pass";
  const startedAt = performance.now();
  await agent.start(yaml);
  await agent.until(
    "es backlog drained",
    async () => {
      const st = await agent.status();
      const s = agent.sink(st, "es");
      return s.state === "ok" && s.buffer_depth < 500 && st.seq_next > run1 + 1000;
    },
    60_000,
  );
  const drained = (performance.now() - startedAt) / 1000;
  const m = await agent.metrics();
  const st = await agent.status();
  const healthy = (await fetch(`${agent.url}/healthz`)).ok && agent.running;
  expect(await agent.stop()).toBe(0);

  const file = readFileLedger(out);
  const search = await readSearchLedger(es, [index, `${index}-anomalies`]);
  const r = reconcile(range(1, seqFile(dir)), file, search);
  const corrupt = metricSum(m, "agent_component_errors_total", { component: "buffer", error_type: "corrupt_record" });
  const corruptSegments = metricSum(m, "agent_component_errors_total", { component: "buffer", error_type: "corrupt_segment" });
  const lines = agent.logLines().filter((l) => `${l.error_type}`.startsWith("corrupt"));
  const starts = agent.logLines().filter((l) => l.msg === "agent started").length;
  console.log(
    `[faults] damaged ${damaged.length} of ${frames.length} buffered records in ${segments.length} segments (3 CRC in ${rotten[0].segment}, ${b.length - mid(b)} behind a bad length in ${b[0].segment}, ${c.length} in ${c[0].segment} with a bad header); counted corrupt_record ${corrupt}, corrupt_segment ${corruptSegments}, /status corrupt_records ${st.buffer.corrupt_records}; ${lines.length} log lines: ${lines.map((l) => JSON.stringify(l.msg)).join(" | ")}; drained ${drained.toFixed(1)} s after restart; ${summary(r)}`,
  );
  expect(healthy).toBe(true);
  expect(starts).toBe(2); // one start per run: no crash loop
  expect(corrupt).toBe(damaged.length);
  expect(corruptSegments).toBe(1);
  expect(st.buffer.corrupt_records).toBe(damaged.length);
  // One log line per error type (rate-limited: the rest is in the counters).
  expect(lines.map((l) => l.error_type).sort()).toEqual(["corrupt_record", "corrupt_segment"]);
  // The file sink had everything before the damage; OpenSearch has all of it but the damaged records.
  expect(r.notAccepted).toEqual([]);
  expect(r.missingInSearch).toEqual(damagedSeqs);
  expect(r.extraInSearch).toEqual([]);
  expect(r.searchDuplicates).toBe(0);
  expect(r.searchMismatches).toEqual([]);
  expect(metricSum(m, "agent_dropped_total")).toBe(0);
}, 120_000);
