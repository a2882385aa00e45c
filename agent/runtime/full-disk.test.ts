/** The runtime on a full disk with no sequence file yet: it starts, holds the sources back, reports it, and resumes once there is space. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { parseConfigText } from "../config/load.ts";
import { AgentRuntime } from "./agent.ts";
import { fillUp, mountSmallTmpfs } from "../../core/runtime/testing/full-disk.ts";
import { waitFor } from "../../core/testing/wait-for.ts";

const base = mkdtempSync(join(tmpdir(), "agent-seq-gate-"));
const small = mountSmallTmpfs(join(base, "m"), "256k");
const { dir: mountDir, cannotMount: noMount } = small;
if (noMount) console.log(`[seq-gate] skipped: ${noMount}`);
afterAll(small.unmount);

describe.skipIf(noMount !== undefined)("a data_dir on a full file system (256 KiB tmpfs), memory buffer", () => {
  test("starts, scores nothing while seq.json cannot be written (/readyz, /status, counter), resumes when space comes back; seq exact after the stop", async () => {
    const dataDir = join(mountDir, "var");
    mkdirSync(dataDir);
    const filler = join(mountDir, "filler");
    fillUp(mountDir);
    const out = join(base, "out.jsonl"); // the sink on another file system
    const yaml = `
agent: { id: t, data_dir: ${dataDir} }
sources: [{ type: synthetic, id: synth, series: 20, interval: 100ms }]
sinks: [{ type: file, id: out, path: ${out}, batch: { max_wait: 50ms } }]
server: { enabled: false }
buffer: { type: memory }
`;
    const rt = new AgentRuntime(parseConfigText(yaml, join(base, "agent.yaml"), {}, { configDir: base, hostname: "h" }), pino({ level: "silent" }));
    await rt.start();
    try {
      // Two rounds refused by the full disk (the first and a retry; not a guessed time): none may have been scored.
      await waitFor(async () => /agent_component_errors_total\{component="seq",error_type="disk_full"\} ([2-9]|\d\d+)/.test((await rt.metrics()).text), {
        timeoutMs: 15_000,
        what: "two rounds refused",
      });
      const st = rt.status() as { seq_next: number; points: number; disk: { full: boolean; problem: string } };
      const rz = await rt.readiness();
      const metrics = (await rt.metrics()).text;
      expect(st.points).toBe(0);
      expect(st.seq_next).toBe(1);
      expect(st.disk.full).toBe(true);
      expect(st.disk.problem).toMatch(/seq\.json: cannot write sequence file: .*ENOSPC/);
      expect(rz.ready).toBe(false);
      expect(rz.reasons.some((r) => r.startsWith("disk full: ") && r.includes("seq.json"))).toBe(true);
      expect(metrics).toMatch(/agent_component_errors_total\{component="seq",error_type="disk_full"\} [1-9]/);
      rmSync(filler);
      await waitFor(() => (rt.status() as { points: number }).points >= 100, { timeoutMs: 10_000, what: "100 points after the disk has room" }).catch(() => {}); // asserted below
      const after = rt.status() as { points: number; disk: { full: boolean } };
      expect(after.points).toBeGreaterThanOrEqual(100);
      expect(after.disk.full).toBe(false);
    } finally {
      await rt.stop();
    }
    const lines = readFileSync(out, "utf8").trim().split("\n");
    const seqs = lines.map((l) => (JSON.parse(l) as { agent: { seq: number } }).agent.seq).sort((a, b) => a - b);
    expect(seqs[0]).toBe(1);
    expect(seqs[seqs.length - 1]).toBe(seqs.length);
    expect(JSON.parse(readFileSync(join(dataDir, "seq.json"), "utf8")).next).toBe(seqs.length + 1);
  }, 30_000);
});
