/**
 * The compiled binary: built with scripts/build.ts, run from another directory with no
 * node_modules, it starts tfjs on WASM with SIMD and does real work, including in its two
 * training workers (model.learn's and the host model's, each an entry point of the build).
 */
import { beforeAll, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

let dir = "";
let bin = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "agent-bin-"));
  bin = join(dir, "agent");
  const b = Bun.spawnSync([process.execPath, join(import.meta.dir, "build.ts"), bin], { cwd: join(import.meta.dir, ".."), stderr: "pipe" });
  if (b.exitCode !== 0) throw new Error(`build failed: ${b.stderr.toString()}`);
}, 120_000);

function run(...args: string[]) {
  const p = Bun.spawnSync([bin, ...args], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin", HOME: dir } });
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

test("agent doctor from the compiled binary reports wasm with SIMD", () => {
  const r = run("doctor");
  expect(r.code).toBe(0);
  const j = JSON.parse(r.stdout);
  expect(j.tfjs_backend).toBe("wasm");
  expect(j.simd).toBe(true);
  expect(j.compiled).toBe(true);
  expect(typeof j.version).toBe("string");
});

test("the compiled binary generates, trains an autoencoder and scores from another directory", () => {
  expect(run("generate", "--n-series", "10", "--n-points", "400", "--output-dir", "d").code).toBe(0);
  const t = run("train", "--data", "d", "--model", "autoencoder", "--epochs", "1", "--out", "m");
  expect(t.stdout).toContain("trained autoencoder");
  const s = run("score", "--model", "m", "--input", "d/series/series_0001.csv", "--output", "-");
  expect(s.code).toBe(0);
  expect(s.stdout.split("\n").length).toBe(402);
}, 60_000);

test("model.learn in the compiled binary: the training worker (a second entry point) runs and its verdict is recorded", async () => {
  await Bun.write(
    join(dir, "learn.yaml"),
    `agent: { id: bin-learn, data_dir: ./learn-var }
sources: [{ type: synthetic, id: synth, series: 8, interval: 5ms, seed: 3 }]
sinks: [{ type: file, id: out, path: ./learn-var/out.jsonl }]
server: { enabled: false }
buffer: { type: memory }
model: { online: default, learn: { after: 6s, every: 1h, epochs: 1 } }
`,
  );
  const r = run("run", "--config", "learn.yaml", "--duration", "14s");
  expect(r.code).toBe(0);
  const state = JSON.parse(await Bun.file(join(dir, "learn-var", "learn", "state.json")).text());
  expect(state.runs).toBe(1);
  expect(["kept", "swapped"]).toContain(state.last_run.outcome);
  expect(state.last_run.history.series).toBe(8);
}, 60_000);

test("scoring.host in the compiled binary: the host model trains in its worker (an entry point) and /status says trained", async () => {
  const probe = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = probe.port;
  probe.stop(true);
  await Bun.write(
    join(dir, "host.yaml"),
    `agent: { id: bin-host, data_dir: ./host-var }
sources: [{ type: procfs, id: host, interval: 100ms }]
sinks: [{ type: file, id: out, path: ./host-var/out.jsonl }]
server: { listen: "127.0.0.1:${port}" }
buffer: { type: memory }
scoring: { host: { enabled: true, min_rounds: 40, retrain_every: 1h } }
`,
  );
  const p = Bun.spawn([bin, "run", "--config", "host.yaml", "--duration", "50s"], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: "/usr/bin:/bin", HOME: dir },
  });
  try {
    let host: { trained?: boolean; error?: string | null; origin?: string; metrics?: number } | undefined;
    for (let i = 0; i < 450 && !host?.trained; i++) {
      await Bun.sleep(100);
      const r = await fetch(`http://127.0.0.1:${port}/status`).catch(() => undefined);
      if (r?.ok) host = ((await r.json()) as { host?: typeof host }).host;
    }
    expect(host).toMatchObject({ trained: true, origin: "learned", error: null });
    expect(host!.metrics).toBeGreaterThan(10);
  } finally {
    p.kill();
    await p.exited;
  }
  const log = (await new Response(p.stdout).text()) + (await new Response(p.stderr).text());
  expect(log).toContain("bin-host"); // the log is read
  expect(log).not.toContain("training worker did not start"); // not the in-process fallback
  expect(await Bun.file(join(dir, "host-var", "host-model.json")).exists()).toBe(true);
}, 90_000);
