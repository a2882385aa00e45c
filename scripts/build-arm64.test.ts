/**
 * The arm64 executable `npm run build` puts beside the x64 one: cross-compiled by scripts/build.ts
 * and run here under Debian's qemu-user-static (with the arm64 C library of libc6-arm64-cross):
 * `agent doctor` and a short `agent run`. Outside CI a missing qemu skips with a reason; under
 * CI (.ci/run installs both) it fails.
 */
import { beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const QEMU = Bun.which("qemu-aarch64-static");
const SYSROOT = "/usr/aarch64-linux-gnu";
const ready = !!QEMU && existsSync(join(SYSROOT, "lib/ld-linux-aarch64.so.1"));
if (!ready) {
  const why = "qemu-aarch64-static and the arm64 C library are needed (apt-get install qemu-user-static libc6-arm64-cross)";
  if (process.env.CI) throw new Error(`${why}; .ci/run installs them`);
  console.log(`[build] SKIPPED the arm64 binary tests: ${why}`);
}

let dir = "";
let bin = "";
beforeAll(async () => {
  if (!ready) return;
  dir = await mkdtemp(join(tmpdir(), "agent-arm64-"));
  bin = join(dir, "agent-linux-arm64");
  const b = Bun.spawnSync([process.execPath, join(import.meta.dir, "build.ts"), bin, "--target=bun-linux-arm64"], {
    cwd: join(import.meta.dir, ".."),
    stderr: "pipe",
  });
  if (b.exitCode !== 0) throw new Error(`arm64 build failed: ${b.stderr.toString()}`);
}, 300_000);

/** Runs the arm64 binary under qemu from `dir`, with no node_modules and a bare environment. */
async function arm64(...args: string[]) {
  const p = Bun.spawn([QEMU!, "-L", SYSROOT, bin, ...args], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin", HOME: dir } });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

test.skipIf(!ready)("the binary is an aarch64 ELF", async () => {
  const head = new Uint8Array(await readFile(bin)).subarray(0, 20);
  expect([...head.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
  expect(head[18] | (head[19] << 8)).toBe(183); // e_machine EM_AARCH64
});

test.skipIf(!ready)(
  "agent doctor under qemu-aarch64: arm64, wasm backend with SIMD",
  async () => {
    const r = await arm64("doctor");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect([j.arch, j.compiled, j.tfjs_backend, j.simd, j.ok]).toEqual(["arm64", true, "wasm", true, true]);
  },
  120_000,
);

test.skipIf(!ready)(
  "agent run --duration 3s under qemu-aarch64 scores synthetic points into a file",
  async () => {
    const config = `agent: { id: arm64, data_dir: ./var }
sources:
  - { type: synthetic, id: synth, series: 5, interval: 200ms, anomaly_ratio: 0.5, seed: 7 }
model: { online: default }
sinks:
  - { type: file, id: out, path: ./var/out.jsonl }
server: { enabled: false }
buffer: { type: memory }
`;
    await writeFile(join(dir, "agent.yaml"), config);
    const r = await arm64("run", "--config", "agent.yaml", "--duration", "3s");
    expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });
    const lines = (await readFile(join(dir, "var/out.jsonl"), "utf8")).trim().split("\n");
    expect(lines.length).toBeGreaterThan(5);
    const record = JSON.parse(lines[0]);
    expect(record.agent.id).toBe("arm64");
    expect(typeof record.anomaly.score).toBe("number");
  },
  180_000,
);
