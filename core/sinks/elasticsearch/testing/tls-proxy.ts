/**
 * Test harness: nginx as a TLS reverse proxy with authentication in front of the running search
 * node (scripts/services/tls-proxy.sh), on free loopback ports, in a temp dir, with its own PKI.
 * Fails (never skips) when nginx is missing or does not start. nginx stops with this process
 * even when nobody calls `stop` (`WATCH_PID`, see tls-proxy.sh).
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { waitFor } from "../../../testing/wait-for.ts";
import { freePort } from "../../kafka/testing/tls-broker.ts";

const REPO = resolve(import.meta.dir, "../../../..");

/** A running proxy. */
export interface TlsProxy {
  /** `https://127.0.0.1:<port>`: valid certificate (signed by `pki/ca.pem`). */
  url: string;
  /** `https://127.0.0.1:<port>`: expired certificate (same CA). */
  expiredUrl: string;
  /** `https://127.0.0.1:<port>`: valid certificate, and a client certificate signed by the CA required. */
  mtlsUrl: string;
  /** The PKI (ca.pem, other-ca.pem, server.pem, ...). */
  pki: string;
  dir: string;
  /** Milliseconds from spawn to the port accepting connections (PKI included). */
  startupMs: number;
  stop(): Promise<void>;
}

const tcpOpen = (port: number) =>
  new Promise<boolean>((ok) => {
    const s = connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      ok(true);
    });
    s.once("error", () => ok(false));
  });

/** Starts nginx in front of `upstream` (`host:port`) and waits until both ports accept connections. */
export async function startTlsProxy(upstream: string, timeoutMs = 30_000): Promise<TlsProxy> {
  const dir = mkdtempSync(join(tmpdir(), "agent-tls-proxy-"));
  const [port, xport, mport] = [await freePort(), await freePort(), await freePort()];
  const started = performance.now();
  const proc = Bun.spawn(["bash", join(REPO, "scripts/services/tls-proxy.sh"), dir, String(port), String(xport), upstream, String(mport)], {
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
    env: { ...process.env, WATCH_PID: String(process.pid) },
  });
  let out = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) out += new TextDecoder().decode(chunk);
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const stop = async () => {
    proc.kill("SIGTERM");
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => proc.exitCode !== null || ((await tcpOpen(port)) && (await tcpOpen(xport)) && (await tcpOpen(mport))), {
      timeoutMs,
      everyMs: 50,
      what: "nginx listening",
    });
    if (proc.exitCode !== null) throw new Error(`exited with ${proc.exitCode}`);
  } catch (e) {
    await stop();
    throw new Error(`the TLS proxy (nginx) did not start (${(e as Error).message}); its output:\n${out.slice(-3000)}`);
  }
  return {
    url: `https://127.0.0.1:${port}`,
    expiredUrl: `https://127.0.0.1:${xport}`,
    mtlsUrl: `https://127.0.0.1:${mport}`,
    pki: join(dir, "pki"),
    dir,
    startupMs: Math.round(performance.now() - started),
    stop,
  };
}

let shared: Promise<TlsProxy> | undefined;

/**
 * One proxy in front of `upstream` for every test file of this `bun test` process (started on
 * first use; tls.test.ts and the conformance suite's refused-credentials check share it). Nobody
 * stops it: tls-proxy.sh stops it and removes its temp dir once this process is gone (`WATCH_PID`).
 */
export function sharedTlsProxy(upstream: string): Promise<TlsProxy> {
  shared ??= startTlsProxy(upstream);
  return shared;
}
