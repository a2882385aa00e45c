/**
 * The compiled binary: built with scripts/build.ts, run from another directory with no
 * node_modules, it starts tfjs on WASM with SIMD and does real work.
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
