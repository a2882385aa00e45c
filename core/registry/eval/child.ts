/**
 * A child process bounded in time and resident memory: what the registry's evaluations (and
 * evaluation-set checks) run in, so the HTTP server never waits on them.
 */
import { readFile } from "node:fs/promises";

/** Bounds of one child. */
export interface ChildBounds {
  timeoutMs: number;
  maxRssMb: number;
  /** How often the resident memory is read (ms). */
  pollMs: number;
}

/** What a bounded child did. */
export interface ChildOutcome {
  stdout: string;
  /** The last 4000 characters. */
  stderr: string;
  code: number | null;
  /** Why it was killed (time or memory), if it was. */
  killed?: string;
  /** Highest resident memory seen, MiB (null when never read). */
  peakRssMb: number | null;
}

/** Resident set size of a process in MiB (Linux `/proc`), or null when unknown. */
async function rssMb(pid: number): Promise<number | null> {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(await readFile(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Reads a stream to text, keeping at most `max` characters (the head, or the tail). */
async function drain(stream: ReadableStream<Uint8Array>, max: number, keep: "head" | "tail"): Promise<string> {
  let out = "";
  const dec = new TextDecoder();
  for await (const chunk of stream) {
    out += dec.decode(chunk, { stream: true });
    if (out.length > 2 * max) out = keep === "head" ? out.slice(0, max) : out.slice(-max);
  }
  return keep === "head" ? out.slice(0, max) : out.slice(-max);
}

/** Environment of the child: this process's, without the registry's tokens. */
function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/TOKEN/i.test(k)) env[k] = v;
  env.NO_COLOR = "1";
  return env;
}

/**
 * Runs `argv` to completion, killed (SIGKILL) past `timeoutMs` or once its resident memory
 * exceeds `maxRssMb`; stdout is kept up to 4 MiB. `onStart` receives a kill function.
 *
 * @example
 * const r = await runBounded(["agent", "eval", "--json", …], { timeoutMs: 300_000, maxRssMb: 2048, pollMs: 100 });
 */
export async function runBounded(argv: string[], b: ChildBounds, onStart?: (kill: () => void) => void): Promise<ChildOutcome> {
  const proc = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: childEnv() });
  onStart?.(() => proc.kill(9));
  let killed: string | undefined;
  let peak: number | null = null;
  const timer = setTimeout(() => {
    killed ??= `timed out after ${b.timeoutMs} ms`;
    proc.kill(9);
  }, b.timeoutMs);
  const poll = setInterval(async () => {
    const mb = await rssMb(proc.pid);
    if (mb === null) return;
    peak = Math.max(peak ?? 0, mb);
    if (mb > b.maxRssMb && !killed) {
      killed = `used ${mb.toFixed(0)} MiB, above the limit of ${b.maxRssMb} MiB`;
      proc.kill(9);
    }
  }, b.pollMs);
  try {
    const [stdout, stderr, code] = await Promise.all([drain(proc.stdout, 4 << 20, "head"), drain(proc.stderr, 4000, "tail"), proc.exited]);
    return { stdout, stderr, code, killed, peakRssMb: peak === null ? null : Math.round(peak) };
  } finally {
    clearTimeout(timer);
    clearInterval(poll);
  }
}
