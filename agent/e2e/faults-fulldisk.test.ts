/**
 * The whole data_dir (lock, `seq.json`, buffer) on a 4 MiB tmpfs that fills up while the search
 * sink is down (an in-process Elasticsearch emulator behind the fault proxy: no JVM needed), in
 * `when_full: block` mode:
 *
 * - (g) stop on the full disk: SIGTERM exits within the documented bound (flush 10 s + 5 s), no
 *   stack trace; nothing accepted is lost (every seq below the persisted `next` is in the file
 *   sink, and in the buffer segments or delivered for the search sink); the round held back at
 *   the stop was never accepted and its seqs are given back, never used twice.
 * - (h) start on the full disk (after a SIGKILL, the last free bytes taken by a filler file):
 *   the agent starts, reports the full disk (`/readyz` 503, `/status`, a counter), holds back,
 *   and drains once the sink is back; no seq names two records.
 *
 * Needs root (tmpfs mounts); skips with the reason printed otherwise.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { startEsEmulator } from "../../core/sinks/elasticsearch/testing/es-emulator/index.ts";
import { AgentProcess, agentYaml, metricSum, type AgentStatus } from "./faults/agent-process.ts";
import { range, readFileLedger } from "./faults/ledger.ts";
import { SearchProxy } from "./faults/proxy.ts";
import { readFrames } from "./faults/segments.ts";
import { removeScratch, scratchDir } from "./faults/services.ts";

function sh(...cmd: string[]): { ok: boolean; out: string } {
  const p = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  return { ok: p.exitCode === 0, out: `${p.stdout.toString()}${p.stderr.toString()}`.trim() };
}

function umount(dir: string): void {
  if (!sh("umount", dir).ok) sh("umount", "-l", dir);
}

/** Mounts a tmpfs of `size` at `dir`; returns why it cannot (not root, no mount permission). */
function mountTmpfs(dir: string, size: string): string | undefined {
  mkdirSync(dir, { recursive: true });
  const r = sh("mount", "-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir);
  return r.ok ? undefined : `mount -t tmpfs failed: ${r.out || "no output"}`;
}

const probeDir = scratchDir("agent-fulldisk-probe-");
const cannotMount = mountTmpfs(join(probeDir, "m"), "64k");
if (!cannotMount) umount(join(probeDir, "m"));
else console.log(`[faults-fulldisk] skipped: these tests need a tmpfs mount (root): ${cannotMount}`);

/** Takes every byte left on the file system of `dir` (a filler file), so nothing new fits. */
function fillUp(dir: string): number {
  const fd = openSync(join(dir, "filler"), "w");
  const chunk = Buffer.alloc(4096);
  let n = 0;
  try {
    for (;;) n += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  return n;
}

const seqNext = (dataDir: string) => (JSON.parse(readFileSync(join(dataDir, "seq.json"), "utf8")) as { next: number }).next;
const STACK = /\n\s+at .+[:(]/;

describe.skipIf(cannotMount !== undefined)("(g, h) the whole data_dir on a full 4 MiB tmpfs, when_full: block", () => {
  let es: ReturnType<typeof startEsEmulator>;
  let proxy: SearchProxy;
  const mounts: string[] = [];
  beforeAll(() => {
    es = startEsEmulator({ major: 8 });
    proxy = new SearchProxy(es.url);
  });
  afterAll(() => {
    proxy?.stop();
    es?.stop();
    for (const m of mounts) umount(m);
    removeScratch();
  });

  /** An agent on a fresh full-able data_dir, delivering to the emulator until `proxy` goes down, then filling its disk. */
  async function fillDisk(name: string) {
    const dir = scratchDir(`agent-fulldisk-${name}-`);
    const dataDir = join(dir, "var");
    const err = mountTmpfs(dataDir, "4m");
    if (err) throw new Error(err);
    mounts.push(dataDir);
    const index = `fulldisk-${name}`;
    const out = join(dir, "out.jsonl"); // the file sink is on the big disk: it accepts all the buffer holds
    const agent = new AgentProcess(dir, `fulldisk-${name}`);
    const yaml = (port: number) =>
      agentYaml({
        id: agent.id,
        dataDir,
        port,
        series: 400,
        interval: "200ms",
        seed: 43,
        buffer: "{ type: disk, segment_size: 256KiB, max_size: 64MiB, when_full: block }",
        sinks: [
          `{ type: elasticsearch, id: es, hosts: ["${proxy.url}"], index: ${index}, batch: { max_records: 2000, max_wait: 250ms } }`,
          `{ type: file, id: file, path: ${out}, batch: { max_wait: 250ms } }`,
        ],
      });
    proxy.mode = "pass";
    await agent.start(yaml);
    await agent.until("es delivering", async () => agent.sink(await agent.status(), "es").delivered > 2000, 30_000);
    proxy.mode = "down";
    const full = await agent.until(
      "the data_dir's file system is full (the source held back)",
      async (): Promise<AgentStatus | undefined> => {
        const a = await agent.status();
        await Bun.sleep(1000);
        const b = await agent.status();
        return b.seq_next === a.seq_next && b.buffer.records > 1000 ? b : undefined;
      },
      60_000,
    );
    const filler = fillUp(dataDir);
    return { dir, dataDir, index, out, agent, yaml, full, filler };
  }

  /** Seqs the search sink holds: delivered to the emulator, or still in the buffer segments. */
  function searchHeld(index: string, dataDir: string): Set<number> {
    const held = new Set(readFrames(join(dataDir, "buffer")).map((f) => f.seq));
    for (const doc of es.docs(index).values()) held.add((doc as { agent: { seq: number } }).agent.seq);
    for (const doc of es.docs(`${index}-anomalies`).values()) held.add((doc as { agent: { seq: number } }).agent.seq);
    return held;
  }

  test("(g) stop on a full disk: nothing accepted is lost, exits within the bound, no stack trace", async () => {
    const { dataDir, index, out, agent, full, filler } = await fillDisk("stop");
    try {
      const before = await agent.status();
      const t0 = performance.now();
      const code = await Promise.race([agent.stop(), Bun.sleep(20_000).then(() => "hung" as const)]);
      const stopS = (performance.now() - t0) / 1000;
      const log = agent.log();
      const next = seqNext(dataDir);
      const file = readFileLedger(out);
      const missing = range(1, next).filter((s) => !file.bySeq.has(s));
      const beyond = [...file.bySeq.keys()].filter((s) => s >= next);
      const held = searchHeld(index, dataDir);
      const notHeld = [...file.bySeq.keys()].filter((s) => !held.has(s));
      const errors = agent.logLines().filter((l) => Number(l.level) >= 50 || l.level === "error");
      console.log(
        `[faults-fulldisk] (g) full with ${full.buffer.records} records held (filler took ${filler} more bytes); /status seq_next ${before.seq_next}; SIGTERM → ${code} in ${stopS.toFixed(1)} s; seq.json next ${next}; accepted ${file.bySeq.size}, missing below next ${missing.length}, accepted at/after next ${beyond.length}, accepted but not in buffer/emulator ${notHeld.length}; error lines: ${errors.map((l) => JSON.stringify(l.msg)).join(" | ") || "none"}; stack trace: ${STACK.test(log)}`,
      );
      expect(code).not.toBe("hung");
      expect(stopS).toBeLessThan(16);
      expect(STACK.test(log)).toBe(false);
      expect(log).not.toContain("SeqError");
      expect(missing).toEqual([]);
      expect(beyond).toEqual([]);
      expect(next).toBeLessThanOrEqual(before.seq_next);
      expect(file.conflicts).toEqual([]);
      expect(notHeld).toEqual([]);
      expect(before.buffer.dropped).toBe(0);
    } finally {
      if (agent.running) await agent.kill();
    }
  }, 120_000);

  test("(h) start on a full disk: starts, reports it, holds back, drains when the sink is back; no seq reused", async () => {
    const { dataDir, index, out, agent, yaml, filler } = await fillDisk("start");
    try {
      const killedAtReserved = seqNext(dataDir);
      await agent.kill();
      const accepted1 = new Set(readFileLedger(out).bySeq.keys());
      await agent.start(yaml); // throws when the agent exits at start
      await Bun.sleep(2500);
      const st = (await agent.status()) as AgentStatus & Record<string, unknown>;
      const rz = await agent.readyz();
      const m = await agent.metrics();
      const diskFull = metricSum(m, "agent_component_errors_total", { error_type: "disk_full" });
      console.log(
        `[faults-fulldisk] (h) restarted on the full disk (filler ${filler} bytes): running ${agent.running}, /readyz ${rz.status} ${JSON.stringify(rz.reasons)}, disk_full errors ${diskFull}, seq_next ${st.seq_next}, /status disk ${JSON.stringify(st.disk ?? null)}`,
      );
      expect(agent.running).toBe(true);
      expect(rz.status).toBe(503);
      expect(rz.reasons.join(" ")).toMatch(/disk full/i);
      expect(diskFull).toBeGreaterThan(0);
      expect(JSON.stringify(st.disk ?? {})).toMatch(/full/i);
      rmSync(join(dataDir, "filler"));
      proxy.mode = "pass";
      await agent.until(
        "es backlog drained, the source flowing again",
        async () => {
          const s = await agent.status();
          const e = agent.sink(s, "es");
          return e.state === "ok" && e.buffer_depth < 3000 && s.seq_next > killedAtReserved + 2000;
        },
        90_000,
      );
      // Ready again once the sink's probe (every 5 s) has seen it back and nothing waits for space.
      const ready = await agent
        .until("ready again", async () => ((await agent.readyz()).status === 200 ? true : undefined), 20_000)
        .catch(async () => JSON.stringify(await agent.readyz()));
      expect(ready).toBe(true);
      expect(await agent.stop()).toBe(0);
      const file = readFileLedger(out);
      const run2 = [...file.bySeq.keys()].filter((s) => !accepted1.has(s));
      const reused = run2.filter((s) => s < killedAtReserved);
      const next = seqNext(dataDir);
      const missing = [...range(killedAtReserved, next)].filter((s) => !file.bySeq.has(s));
      const held = searchHeld(index, dataDir);
      const notHeld = [...file.bySeq.keys()].filter((s) => !held.has(s));
      console.log(
        `[faults-fulldisk] (h) run 2 accepted ${run2.length} records from seq ${Math.min(...run2)}; reused seqs ${reused.length}; missing in ${killedAtReserved}…${next - 1}: ${missing.length}; accepted but not in the emulator/buffer ${notHeld.length}; conflicts ${file.conflicts.length}`,
      );
      expect(reused).toEqual([]);
      expect(file.conflicts).toEqual([]);
      expect(missing).toEqual([]);
      expect(notHeld).toEqual([]);
    } finally {
      if (agent.running) await agent.kill();
    }
  }, 180_000);
});
