/** The buffer as the runtime shows it: `/status`, `/metrics`, drops, corruption, start errors. */
import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { parseConfigText } from "../config/load.ts";
import { AgentRuntime, StartError } from "./agent.ts";
import { waitFor } from "../../core/testing/wait-for.ts";

const log = pino({ level: "silent" });

function runtime(dir: string, sinkPath: string, buffer: string): AgentRuntime {
  const yaml = `
agent: { id: t, data_dir: ${dir}/var }
sources: [{ type: synthetic, id: synth, series: 50, interval: 100ms }]
sinks:
  - { type: file, id: out, path: ${sinkPath}, batch: { max_wait: 50ms } }
  - { type: stdout, id: console, only: anomalies }
server: { enabled: false }
buffer: ${buffer}
`;
  return new AgentRuntime(parseConfigText(yaml, join(dir, "agent.yaml"), {}, { configDir: dir, hostname: "h" }), log);
}

type Status = {
  buffer: { type: string; records: number; dropped: number; dropped_by_reason: Record<string, number>; corrupt_records: number };
  sinks: { id: string; buffer_depth: number; dropped: number; state: string }[];
};

test("drop_newest with a dead sink: every dropped record is counted in /status and /metrics; the healthy sink keeps up", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agent-rt-buffer-"));
  writeFileSync(join(dir, "blocker"), "");
  const rt = runtime(dir, join(dir, "blocker", "out.jsonl"), "{ type: memory, max_size: 64KiB, when_full: drop_newest }");
  const orig = process.stdout.write;
  process.stdout.write = () => true; // the stdout sink prints anomalies
  try {
    await rt.start();
    const sink = (st: Status, id: string) => st.sinks.find((s) => s.id === id)!;
    await waitFor(
      () => {
        const st = rt.status() as Status;
        return st.buffer.dropped > 0 && sink(st, "out").state === "retrying" && sink(st, "out").buffer_depth > 100;
      },
      { timeoutMs: 15_000, what: "drops while the sink is retrying" },
    );
    const st = rt.status() as Status;
    const out = st.sinks.find((s) => s.id === "out")!;
    expect(st.buffer.type).toBe("memory");
    expect(st.buffer.dropped).toBeGreaterThan(0);
    expect(st.buffer.dropped_by_reason).toEqual({ buffer_full: st.buffer.dropped });
    expect(out.state).toBe("retrying");
    expect(out.dropped).toBe(st.buffer.dropped);
    expect(out.buffer_depth).toBeGreaterThan(100);
    expect(st.sinks.find((s) => s.id === "console")!.buffer_depth).toBeLessThan(out.buffer_depth);
    const metrics = (await rt.metrics()).text;
    expect(metrics).toContain(`agent_dropped_total{component="out",reason="buffer_full"} ${st.buffer.dropped}`);
    expect(metrics).toMatch(/agent_buffer_depth\{component="out"\} \d+/);
    expect(metrics).toMatch(/agent_buffer_bytes \d+/);
  } finally {
    await rt.stop(200);
    process.stdout.write = orig;
  }
}, 20_000);

test("a corrupt record in the disk buffer is skipped after a restart and counted as a buffer error", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agent-rt-buffer-"));
  writeFileSync(join(dir, "blocker"), "");
  const down = runtime(dir, join(dir, "blocker", "out.jsonl"), "{ segment_size: 1MiB, max_size: 8MiB }");
  const orig = process.stdout.write;
  process.stdout.write = () => true;
  try {
    await down.start();
    await waitFor(() => (down.status() as Status).sinks.find((s) => s.id === "out")!.buffer_depth >= 50, {
      timeoutMs: 15_000,
      what: "a round in the disk buffer",
    });
    await down.stop(200);
    const bufferDir = join(dir, "var", "buffer");
    const seg = join(
      bufferDir,
      readdirSync(bufferDir)
        .filter((n) => n.startsWith("segment-"))
        .sort()[0],
    );
    const bytes = readFileSync(seg);
    bytes[100] ^= 0xff;
    writeFileSync(seg, bytes);
    const up = runtime(dir, join(dir, "out.jsonl"), "{ segment_size: 1MiB, max_size: 8MiB }");
    await up.start();
    await waitFor(() => (up.status() as Status).buffer.corrupt_records > 0, { timeoutMs: 15_000, what: "the corrupt record found" });
    const st = up.status() as Status;
    expect(st.buffer.corrupt_records).toBe(1);
    expect((await up.metrics()).text).toContain('agent_component_errors_total{component="buffer",error_type="corrupt_record"} 1');
    await up.stop();
  } finally {
    process.stdout.write = orig;
  }
}, 20_000);

test("a buffer directory that cannot be created stops the start with the path", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agent-rt-buffer-"));
  mkdirSync(join(dir, "var"));
  writeFileSync(join(dir, "var", "buffer"), ""); // a file where the buffer directory should be
  const rt = runtime(dir, join(dir, "out.jsonl"), "{ type: disk }");
  await expect(rt.start()).rejects.toThrow(StartError);
  await expect(runtime(dir, join(dir, "out.jsonl"), "{ type: disk }").start()).rejects.toThrow(
    `buffer directory ${join(dir, "var", "buffer")} is not writable`,
  );
});

test("reload (SIGHUP): a sink kept by id gets its backlog, a new sink starts at the newest record, a removed one is counted", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agent-rt-buffer-"));
  writeFileSync(join(dir, "blocker"), "");
  const config = (sinks: string) =>
    parseConfigText(
      `
agent: { id: t, data_dir: ${dir}/var }
sources: [{ type: synthetic, id: synth, series: 20, interval: 100ms }]
sinks:
${sinks}
server: { enabled: false }
buffer: { type: memory }
`,
      join(dir, "agent.yaml"),
      {},
      { configDir: dir, hostname: "h" },
    );
  const rt = new AgentRuntime(
    config(`  - { type: file, id: a, path: ${dir}/blocker/a.jsonl, batch: { max_wait: 50ms } }\n  - { type: file, id: gone, path: ${dir}/blocker/g.jsonl }`),
    log,
  );
  await rt.start();
  const st = () => rt.status() as { seq_next: number; sinks: { id: string; delivered: number }[] };
  await waitFor(() => st().seq_next > 120, { timeoutMs: 15_000, what: "over 100 records scored" });
  await rt.reload(
    config(
      `  - { type: file, id: a, path: ${dir}/a.jsonl, batch: { max_wait: 50ms } }\n  - { type: file, id: b, path: ${dir}/b.jsonl, batch: { max_wait: 50ms } }`,
    ),
  );
  await waitFor(() => st().sinks.every((s) => s.delivered > 0), { timeoutMs: 15_000, what: "a and b delivering" });
  await rt.stop();
  const seqs = (f: string) =>
    readFileSync(join(dir, f), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).agent.seq as number);
  const a = seqs("a.jsonl");
  const b = seqs("b.jsonl");
  expect(a[0]).toBe(1);
  expect(a).toEqual(Array.from({ length: a.length }, (_, i) => i + 1));
  expect(b[0]).toBeGreaterThan(100);
  expect(b[b.length - 1]).toBe(a[a.length - 1]);
  expect((await rt.metrics()).text).toMatch(/agent_dropped_total\{component="gone",reason="sink_removed"\} [1-9]/);
});

test("block mode: a round held back by a full buffer at a reload (SIGHUP) is appended after it: nothing lost, no seq skipped", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agent-rt-buffer-"));
  writeFileSync(join(dir, "blocker"), "");
  const config = (path: string) =>
    parseConfigText(
      `
agent: { id: t, data_dir: ${dir}/var }
sources: [{ type: synthetic, id: synth, series: 20, interval: 100ms }]
sinks: [{ type: file, id: a, path: ${path}, batch: { max_wait: 50ms } }]
server: { enabled: false }
buffer: { type: memory, max_size: 64KiB, when_full: block }
`,
      join(dir, "agent.yaml"),
      {},
      { configDir: dir, hostname: "h" },
    );
  const rt = new AgentRuntime(config(`${dir}/blocker/a.jsonl`), log); // the sink cannot write: the buffer fills
  await rt.start();
  const status = () => rt.status() as { seq_next: number; buffer: { dropped: number }; disk: unknown };
  // Blocked: no round is scored for four intervals (the runtime shows no "blocked" flag).
  let last = -1;
  let since = performance.now();
  await waitFor(
    () => {
      if (status().seq_next !== last) [last, since] = [status().seq_next, performance.now()];
      return performance.now() - since >= 400;
    },
    { timeoutMs: 10_000, everyMs: 20, what: "scoring blocked by the full buffer" },
  );
  expect(status().seq_next).toBe(last);
  await rt.reload(config(`${dir}/a.jsonl`)); // the sink works now
  await waitFor(() => status().seq_next > last + 200, { timeoutMs: 10_000, what: "over 200 more records scored" });
  await rt.stop();
  const seqs = readFileSync(join(dir, "a.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l).agent.seq as number)
    .sort((x, y) => x - y);
  const next = JSON.parse(readFileSync(join(dir, "var", "seq.json"), "utf8")).next as number;
  expect(next).toBeGreaterThan(last + 200);
  expect(seqs).toEqual(Array.from({ length: next - 1 }, (_, i) => i + 1)); // nothing missing, nothing twice
  expect((await rt.metrics()).text).not.toMatch(/agent_dropped_total\{[^}]*\} [1-9]/);
});
