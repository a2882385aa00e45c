/**
 * `agent run` as an operator drives it: SIGHUP reloads the config (a sink added on the fly starts
 * receiving, the existing sink's sequence stays gap-free), SIGTERM flushes and exits 0.
 */
import { expect, test } from "bun:test";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../../core/testing/wait-for.ts";

const MAIN = join(import.meta.dir, "../main.ts");

const config = (dir: string, extraSink = "") => `
agent: { id: sig, data_dir: ${dir}/var }
sources:
  - { type: synthetic, id: synth, series: 10, interval: 100ms, seed: 3 }
model: { online: default }
sinks:
  - { type: file, id: a, path: ${dir}/a.jsonl, batch: { max_wait: 100ms } }
${extraSink}
server: { enabled: false }
`;

/** Collects a stream's text as it arrives (`done` resolves at its end). */
function collect(stream: ReadableStream<Uint8Array>): { text: string; done: Promise<void> } {
  const out = { text: "", done: Promise.resolve() };
  const decoder = new TextDecoder();
  out.done = (async () => {
    for await (const chunk of stream) out.text += decoder.decode(chunk, { stream: true });
  })();
  return out;
}

async function lines(path: string): Promise<{ agent: { seq: number } }[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.trim()
    ? text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
    : [];
}

test("SIGHUP reloads the config without losing points; SIGTERM flushes and exits 0", async () => {
  const dir = await mkdtemp(join(tmpdir(), "agent-signals-"));
  const file = join(dir, "agent.yaml");
  await writeFile(file, config(dir));
  const p = Bun.spawn([process.execPath, MAIN, "run", "--config", file], { stdout: "pipe", stderr: "pipe" });
  const err = collect(p.stderr);
  await waitFor(async () => (await lines(join(dir, "a.jsonl"))).length >= 100, { timeoutMs: 15_000, what: "100 records in a" });
  await writeFile(file, config(dir, `  - { type: file, id: b, path: ${dir}/b.jsonl, batch: { max_wait: 100ms } }`));
  p.kill("SIGHUP");
  await waitFor(
    async () => err.text.includes("config reloaded") && (await lines(join(dir, "b.jsonl"))).length > 50 && (await lines(join(dir, "a.jsonl"))).length > 200,
    {
      timeoutMs: 15_000,
      what: "the reload done and over 50 records in b",
    },
  );
  p.kill("SIGTERM");
  expect(await p.exited).toBe(0);
  await err.done;
  const stderr = err.text;
  expect(stderr).toContain("config reloaded");
  const a = (await lines(join(dir, "a.jsonl"))).map((r) => r.agent.seq).sort((x, y) => x - y);
  const b = (await lines(join(dir, "b.jsonl"))).map((r) => r.agent.seq);
  expect(a.length).toBeGreaterThan(200);
  expect(a[0]).toBe(1);
  expect(a[a.length - 1]).toBe(a.length); // gap-free across the reload
  expect(new Set(a).size).toBe(a.length);
  expect(b.length).toBeGreaterThan(50); // the new sink receives after the reload
  expect(Math.min(...b)).toBeGreaterThan(1);
  for (const s of b) expect(s).toBeLessThanOrEqual(a[a.length - 1]);
}, 30_000);

test("SIGHUP with a broken config keeps the running one and says why", async () => {
  const dir = await mkdtemp(join(tmpdir(), "agent-signals-"));
  const file = join(dir, "agent.yaml");
  await writeFile(file, config(dir));
  const p = Bun.spawn([process.execPath, MAIN, "run", "--config", file], { stdout: "pipe", stderr: "pipe" });
  const err = collect(p.stderr);
  await waitFor(async () => (await lines(join(dir, "a.jsonl"))).length > 0, { timeoutMs: 15_000, what: "records in a" });
  await writeFile(file, config(dir).replace("interval: 100ms", "interval: soon"));
  p.kill("SIGHUP");
  await waitFor(() => err.text.includes("keeping the running one"), { timeoutMs: 15_000, what: "the broken config refused" });
  const before = (await lines(join(dir, "a.jsonl"))).length;
  await waitFor(async () => (await lines(join(dir, "a.jsonl"))).length > before, { timeoutMs: 15_000, what: "still writing after the refused reload" });
  p.kill("SIGTERM");
  expect(await p.exited).toBe(0);
  await err.done;
  const stderr = err.text;
  expect(stderr).toContain("sources[0].interval");
  expect(stderr).toContain("keeping the running one");
  expect((await lines(join(dir, "a.jsonl"))).length).toBeGreaterThan(before); // still running
}, 30_000);
