/**
 * Test harness: a private Kafka broker with a SASL_SSL listener (scripts/services/kafka-tls.sh,
 * infra/kafka/sasl-ssl.properties) on free loopback ports, in a temp dir, with its own PKI.
 * The jars come from the services' Maven cache. Fails (never skips) when it cannot start. The
 * broker stops with this process even when nobody calls `stop` (`WATCH_PID`, see kafka-tls.sh).
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { waitFor } from "../../../testing/wait-for.ts";

const REPO = resolve(import.meta.dir, "../../../..");

/** A running TLS broker. */
export interface TlsBroker {
  /** `127.0.0.1:<port>` of the SASL_SSL listener. */
  broker: string;
  /** `127.0.0.1:<port>` of the SSL listener that requires a client certificate (mutual TLS). */
  mtlsBroker: string;
  /** The PKI made by scripts/services/tls-certs.sh (ca.pem, other-ca.pem, client.pem, ...). */
  pki: string;
  /** Temp dir holding everything (removed by `stop`). */
  dir: string;
  /** Milliseconds from spawn to "Kafka Server started" (PKI and storage format included). */
  startupMs: number;
  /** The broker's log so far. */
  log(): string;
  /** Kills the broker (by its pid) and removes the temp dir. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** Starts the broker and waits until it serves (at most `timeoutMs`, default 90 s). */
export async function startTlsBroker(timeoutMs = 90_000): Promise<TlsBroker> {
  const dir = mkdtempSync(join(tmpdir(), "agent-kafka-tls-"));
  const [port, cport, iport, mport] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const started = performance.now();
  const proc = Bun.spawn(["bash", join(REPO, "scripts/services/kafka-tls.sh"), dir, String(port), String(cport), String(iport), String(mport)], {
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
    proc.kill("SIGTERM"); // the script stops the broker and waits for it
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => out.includes("Kafka Server started") || proc.exitCode !== null, { timeoutMs, everyMs: 50, what: "the SASL_SSL broker's start" });
    if (proc.exitCode !== null) throw new Error(`exited with ${proc.exitCode}`);
  } catch (e) {
    await stop();
    throw new Error(`the SASL_SSL Kafka broker did not start (${(e as Error).message}); its output:\n${out.slice(-3000)}`);
  }
  return {
    broker: `127.0.0.1:${port}`,
    mtlsBroker: `127.0.0.1:${mport}`,
    pki: join(dir, "pki"),
    dir,
    startupMs: Math.round(performance.now() - started),
    log: () => out,
    stop,
  };
}

let shared: Promise<TlsBroker> | undefined;

/**
 * One broker for every test file of this `bun test` process (started on first use): the TLS
 * tests and the conformance suite's refused-credentials check share it, so CI starts it once.
 * Nobody stops it: kafka-tls.sh stops it and removes its temp dir within a second of this
 * process ending (`WATCH_PID`).
 */
export function sharedTlsBroker(): Promise<TlsBroker> {
  shared ??= startTlsBroker();
  return shared;
}
