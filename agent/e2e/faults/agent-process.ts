/**
 * `agent run` as a child process for the fault tests: its config, its local HTTP API
 * (`/status`, `/readyz`, `/metrics`), its log (stderr, JSON lines, kept in a file), SIGTERM and
 * SIGKILL.
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePorts } from "./services.ts";

const MAIN = join(import.meta.dir, "../../main.ts");

/** What `/status` returns (the fields the fault tests read). */
export interface AgentStatus {
  seq_next: number;
  points: number;
  anomalies: number;
  buffer: { records: number; bytes: number; dropped: number; dropped_by_reason: Record<string, number>; corrupt_records: number };
  sinks: {
    id: string;
    state: string;
    buffer_depth: number;
    delivered: number;
    dead: number;
    dropped: number;
    retries: number;
    reachable: boolean;
    probe_error?: string;
    last_error?: string;
  }[];
}

/** Options of {@link agentYaml}. */
export interface AgentYamlOptions {
  id: string;
  dataDir: string;
  port: number;
  /** `sinks:` entries, one YAML flow mapping each. */
  sinks: string[];
  /** Synthetic source (fixed seed: a failing run replays). */
  series?: number;
  interval?: string;
  seed?: number;
  /** `buffer:` flow mapping (default: disk, 256KiB segments, 64MiB). */
  buffer?: string;
}

/** A config for `agent run` with one synthetic source. */
export function agentYaml(o: AgentYamlOptions): string {
  return `
agent: { id: ${o.id}, data_dir: ${o.dataDir} }
sources:
  - { type: synthetic, id: synth, series: ${o.series ?? 50}, interval: ${o.interval ?? "250ms"}, anomaly_ratio: 0.5, seed: ${o.seed ?? 17} }
model: { online: default }
sinks:
${o.sinks.map((s) => `  - ${s}`).join("\n")}
server: { listen: "127.0.0.1:${o.port}" }
buffer: ${o.buffer ?? "{ type: disk, segment_size: 256KiB, max_size: 64MiB }"}
`;
}

/** One `agent run --config <dir>/agent.yaml` process. */
export class AgentProcess {
  readonly port = freePorts(1)[0];
  private proc: ReturnType<typeof Bun.spawn> | undefined;
  private runs = 0;

  constructor(
    readonly dir: string,
    readonly id: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.proc!.pid;
  }

  /** Writes the config (its `server` on this process's port) and starts the agent; resolves once `/healthz` answers. */
  async start(yaml: (port: number) => string): Promise<void> {
    const config = join(this.dir, "agent.yaml");
    writeFileSync(config, yaml(this.port));
    const log = Bun.file(join(this.dir, `agent.${++this.runs}.log`));
    this.proc = Bun.spawn([process.execPath, MAIN, "run", "--config", config], {
      stdout: "ignore",
      stderr: log,
      env: { ...process.env, NODE_NO_WARNINGS: "1" },
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`agent exited ${this.proc.exitCode} at start:\n${this.log()}`);
      const ok = await fetch(`${this.url}/healthz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) return;
      await Bun.sleep(100);
    }
    throw new Error(`agent did not answer /healthz within 30 s:\n${this.log()}`);
  }

  /** The log lines (stderr, all runs so far) as parsed JSON objects. */
  logLines(): Record<string, unknown>[] {
    return this.log()
      .split("\n")
      .filter(Boolean)
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  /** The raw log of every run. */
  log(): string {
    let text = "";
    for (let i = 1; i <= this.runs; i++) {
      try {
        text += readFileSync(join(this.dir, `agent.${i}.log`), "utf8");
      } catch {
        // not written yet
      }
    }
    return text;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async status(): Promise<AgentStatus> {
    return (await (await fetch(`${this.url}/status`)).json()) as AgentStatus;
  }

  sink(st: AgentStatus, id: string): AgentStatus["sinks"][number] {
    const s = st.sinks.find((x) => x.id === id);
    if (!s) throw new Error(`no sink ${id} in /status`);
    return s;
  }

  async readyz(): Promise<{ status: number; ready: boolean; reasons: string[] }> {
    const r = await fetch(`${this.url}/readyz`);
    const j = (await r.json()) as { ready: boolean; reasons: string[] };
    return { status: r.status, ...j };
  }

  /** `/metrics` as `name{labels}` → value. */
  async metrics(): Promise<Map<string, number>> {
    return parseMetrics(await (await fetch(`${this.url}/metrics`)).text());
  }

  /** Polls `check` every `everyMs` until it returns a value other than undefined/false; throws after `timeoutMs`. */
  async until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 250): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await check().catch(() => undefined);
      if (v !== undefined && v !== false) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await Bun.sleep(everyMs);
    }
  }

  /** SIGTERM and wait: the agent flushes, persists the sequence and exits 0. */
  async stop(): Promise<number> {
    if (!this.proc) return 0;
    this.proc.kill("SIGTERM");
    return await this.proc.exited;
  }

  /** SIGKILL and wait. */
  async kill(): Promise<void> {
    if (!this.proc) return;
    this.proc.kill("SIGKILL");
    await this.proc.exited;
  }
}

/** Parses Prometheus text: `name{a="b"}` → value (label order as printed). */
export function parseMetrics(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

/** Sum of every series of metric `name` whose labels include all of `labels`. */
export function metricSum(m: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [k, v] of m) {
    if (k !== name && !k.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([l, val]) => k.includes(`${l}="${val}"`))) sum += v;
  }
  return sum;
}
