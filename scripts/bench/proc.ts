/**
 * Helpers for benchmarks that run the compiled `dist/agent` from outside: find or build the
 * binary, write a config, read a process's CPU time and RSS from /proc, pick a free port.
 */
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, 100 on Linux). */
export const CLK_TCK = (() => {
  const r = Bun.spawnSync(["getconf", "CLK_TCK"]);
  const n = Number(r.stdout.toString().trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** `--name value` (string) from argv, else `fallback`. */
export function argStr(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/** Path of the compiled agent (`--bin`, else dist/agent); builds it with `npm run build` when missing. */
export function agentBinary(): string {
  const bin = resolve(argStr("bin", join(import.meta.dir, "../../dist/agent")));
  if (!existsSync(bin)) {
    process.stderr.write(`${bin} missing: running npm run build\n`);
    const r = Bun.spawnSync(["npm", "run", "build"], { cwd: join(import.meta.dir, "../.."), stdio: ["ignore", "inherit", "inherit"] });
    if (r.exitCode !== 0 || !existsSync(bin)) throw new Error("npm run build failed");
  }
  return bin;
}

/** A TCP port on 127.0.0.1 free right now. */
export function freePort(): Promise<number> {
  return new Promise((ok) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => ok(port));
    });
  });
}

/** Options of {@link writeAgentConfig}. */
export interface BenchConfig {
  series: number;
  interval: string;
  /** File sink path (`/dev/null` is fine); default `<temp dir>/out.jsonl`. */
  out?: string;
  /** Local HTTP port; 0 disables the server. */
  port: number;
  /** Extra YAML appended verbatim (e.g. a `scoring:` section). */
  extra?: string;
}

/** Writes an agent.yaml (synthetic → online:default → file) into a new temp dir; returns its path and dir. */
export async function writeAgentConfig(c: BenchConfig): Promise<{ path: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "bench-agent-"));
  const yaml = [
    `agent: { id: bench, data_dir: ${JSON.stringify(join(dir, "var"))} }`,
    "sources:",
    `  - { type: synthetic, id: synth, series: ${c.series}, interval: ${c.interval}, anomaly_ratio: 0.3, seed: 7 }`,
    "model: { online: default }",
    "sinks:",
    `  - { type: file, id: out, path: ${JSON.stringify(c.out ?? join(dir, "out.jsonl"))} }`,
    c.port ? `server: { listen: "127.0.0.1:${c.port}", enabled: true }` : "server: { enabled: false }",
    c.extra ?? "",
  ].join("\n");
  const path = join(dir, "agent.yaml");
  await writeFile(path, `${yaml}\n`);
  return { path, dir };
}

/** CPU seconds (user + system, all threads) of a process so far, from /proc/<pid>/stat. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Bun.file(`/proc/${pid}/stat`).text();
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from #3 (state) on
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime #14, stime #15
}

/** Minor page faults of a process so far (all threads), from /proc/<pid>/stat: fresh memory touched, a kernel entry per 4 KiB page. */
export async function minorFaults(pid: number): Promise<number> {
  const stat = await Bun.file(`/proc/${pid}/stat`).text();
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[7]); // minflt #10
}

/** VmRSS and VmHWM (peak) in MiB, from /proc/<pid>/status. */
export async function rssMiB(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await Bun.file(`/proc/${pid}/status`).text();
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}

/** Median of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
