/**
 * Processes for the registry end-to-end tests: `agent registry serve` and `agent run`
 * subprocesses (from source, or the compiled binary with `AGENT_E2E_BIN=dist/agent`), their
 * stderr collected as it comes so a test can wait for a log line.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Subprocess } from "bun";

const MAIN = join(import.meta.dir, "../main.ts");

/** The command prefix that runs the CLI. */
export function agentCommand(): string[] {
  const bin = process.env.AGENT_E2E_BIN;
  return bin ? [bin] : [process.execPath, MAIN];
}

/** A running CLI subprocess with its stderr so far. */
export class Proc {
  stderr = "";
  stdout = "";
  readonly exited: Promise<number>;

  constructor(readonly p: Subprocess<"ignore", "pipe", "pipe">) {
    const pump = async (stream: ReadableStream<Uint8Array>, key: "stderr" | "stdout") => {
      const dec = new TextDecoder();
      for await (const chunk of stream) this[key] += dec.decode(chunk, { stream: true });
    };
    void pump(p.stderr, "stderr");
    void pump(p.stdout, "stdout");
    this.exited = p.exited;
  }

  /** Waits for a match in stderr (the JSON log and the registry's banner go there). */
  async waitFor(re: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = this.stderr.match(re);
      if (m) return m;
      if (Date.now() > end) throw new Error(`timed out waiting for ${re} in:\n${this.stderr.slice(-3000)}`);
      await Bun.sleep(20);
    }
  }

  /** Parsed JSON log lines. */
  logs(): Record<string, unknown>[] {
    return this.stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** SIGTERM and wait for the exit code. */
  async stop(): Promise<number> {
    this.p.kill("SIGTERM");
    return this.exited;
  }
}

/** Runs the CLI to completion. */
export async function runCli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn([...agentCommand(), ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env }, cwd });
  const [code, stdout, stderr] = await Promise.all([p.exited, new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code, stdout, stderr };
}

/** Starts `agent registry serve` on `listen` (port 0 picks one); resolves with its URL once it serves. */
export async function startRegistry(
  dataDir: string,
  listen: string,
  tokens: { publisher: string; agent: string },
  extra: string[] = [],
): Promise<{ proc: Proc; url: string }> {
  const env = { ...process.env, AGENT_REGISTRY_PUBLISHER_TOKEN: tokens.publisher, AGENT_REGISTRY_AGENT_TOKEN: tokens.agent };
  const proc = new Proc(
    // These suites use one shared agent token: the legacy mode, enabled explicitly.
    Bun.spawn([...agentCommand(), "registry", "serve", "--listen", listen, "--data-dir", dataDir, "--legacy-agent-tokens", ...extra], {
      stdout: "pipe",
      stderr: "pipe",
      env,
    }),
  );
  const m = await proc.waitFor(/serving (http:\/\/[\d.]+:\d+)/);
  return { proc, url: m[1] };
}

/** Starts `agent run --config` and resolves with its local API URL once it listens. */
export async function startAgent(config: string, env: Record<string, string> = {}): Promise<{ proc: Proc; api: string }> {
  const proc = new Proc(Bun.spawn([...agentCommand(), "run", "--config", config], { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } }));
  const m = await proc.waitFor(/"url":"(http:\/\/[\d.]+:\d+)\/status"/);
  return { proc, api: m[1] };
}

/** `GET /status` of an agent. */
export async function status(
  api: string,
): Promise<{ model: { name: string; version: string; source: string; previous: unknown }; registry: Record<string, any> }> {
  return (await fetch(`${api}/status`)).json() as never;
}

/** Polls `cond` every 25 ms; returns the time it took, or throws after `timeoutMs`. */
export async function waitUntil(what: string, cond: () => Promise<boolean>, timeoutMs = 15_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await cond().catch(() => false)) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(25);
  }
}

/** A point record of the file sink (the fields the tests read). */
export interface FilePoint {
  "@timestamp": string;
  agent: { id: string; seq: number };
  metric: { name: string; labels: Record<string, string> };
  model: { name: string; version: string };
  anomaly: { score: number };
  event: { kind: string };
}

/** Every record of a file sink. */
export async function fileRecords(path: string): Promise<FilePoint[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FilePoint);
}
