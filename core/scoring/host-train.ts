/**
 * Trains the host model in a Bun `Worker` (`host-worker.ts`), off the scoring thread: the
 * training matrix goes over by transfer (its buffer is detached here, not copied), the model
 * comes back serialized (models/host/format.ts) and is parsed strictly on this side. The worker
 * is terminated when the training ends, fails, times out or `signal` aborts. The worker says
 * `ready` once loaded; only then are the rows sent.
 * @module
 */
import type { HostTrainOptions } from "../../models/host/train.ts";

/** What the scoring thread sends the training worker. */
export interface HostTrainRequest {
  /** `n × names.length`, row-major, oldest first (transferred). */
  rows: Float32Array;
  n: number;
  names: string[];
  /** Training options that can be cloned (no callbacks, no signal). */
  options: Omit<HostTrainOptions, "onProgress" | "signal" | "slice">;
  /** Share of one core the training may use (core/runtime/pace.ts). */
  budget: number;
  /** The round gate (core/runtime/pace.ts), if any. */
  gate?: SharedArrayBuffer;
}

/** What the training worker answers. */
export type HostTrainReply = { type: "ready" } | { type: "done"; text: string; busyMs: number; sleptMs: number } | { type: "error"; message: string };

/** Thrown when the training worker failed, timed out or was stopped before a model. */
export class HostWorkerError extends Error {
  override readonly name = "HostWorkerError";
}

/**
 * Thrown when no worker could be started: `new Worker` threw, or the worker failed or exited
 * before it said it was ready (its file missing or not loadable). The caller may train
 * in-process instead; the rows were not taken.
 */
export class HostWorkerStartError extends Error {
  override readonly name = "HostWorkerStartError";
}

/**
 * Where the worker's code is: beside this file when run from source; in a compiled binary
 * (`scripts/build.ts` gives `core/scoring/host-worker.ts` as an entry point) entry points are
 * embedded by their path below the entry points' common folder (the repository root), as `.js`.
 */
export function hostWorkerUrl(metaUrl = import.meta.url): string {
  return metaUrl.includes("/$bunfs/") ? "/$bunfs/root/core/scoring/host-worker.js" : new URL("./host-worker.ts", metaUrl).href;
}

/** Bun formats an uncaught error in a worker with its source excerpt: keep the `error: …` line. */
function errorLine(message: string | undefined): string {
  if (!message) return "training worker failed";
  const line = message.split("\n").find((l) => l.startsWith("error: "));
  return `training worker failed: ${(line ? line.slice(7) : message.split("\n")[0]).trim()}`;
}

/** Options of {@link trainHostInWorker}. */
export interface HostWorkerOptions {
  budget: number;
  gate?: Int32Array;
  /** The training fails after this long (ms). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The worker's file (tests); default {@link hostWorkerUrl}. */
  url?: string;
  /** Called when the worker is ready and the rows have been sent to it (tests). */
  onStarted?: () => void;
}

/**
 * Trains in a worker thread and resolves with the serialized model (and the worker's busy and
 * slept ms). `rows`' buffer is transferred: it is empty here afterwards.
 *
 * @throws HostWorkerStartError (synchronously in the promise) when no worker could start.
 */
export function trainHostInWorker(
  rows: Float32Array,
  n: number,
  names: readonly string[],
  options: HostTrainRequest["options"],
  o: HostWorkerOptions,
): Promise<{ text: string; busyMs: number; sleptMs: number }> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(o.url ?? hostWorkerUrl());
    } catch (e) {
      return reject(new HostWorkerStartError(`host model: no training worker: ${(e as Error).message}`));
    }
    let done = false;
    let ready = false;
    const end = (): boolean => {
      if (done) return false;
      done = true;
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
      worker.terminate();
      return true;
    };
    /** A failure before the worker said `ready` is one to start (unless stopped or timed out). */
    const fail = (message: string, started = ready) =>
      end() && reject(started ? new HostWorkerError(message) : new HostWorkerStartError(`host model: training worker did not start: ${message}`));
    const onAbort = (): void => {
      fail("training stopped", true);
    };
    const timer = setTimeout(() => fail(`training timed out after ${o.timeoutMs} ms`, true), o.timeoutMs);
    (timer as { unref?: () => void }).unref?.();
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener("abort", onAbort, { once: true });
    worker.onmessage = (e: MessageEvent<HostTrainReply>) => {
      const r = e.data;
      if (r.type === "ready") {
        // the rows go over only now: a worker that cannot start leaves them here
        ready = true;
        const req: HostTrainRequest = { rows, n, names: [...names], options, budget: o.budget, gate: o.gate?.buffer as SharedArrayBuffer | undefined };
        worker.postMessage(req, [rows.buffer as ArrayBuffer]);
        o.onStarted?.();
      } else if (r.type === "done") {
        if (end()) resolve({ text: r.text, busyMs: r.busyMs, sleptMs: r.sleptMs });
      } else fail(r.message);
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      fail(errorLine(e.message));
    };
    worker.addEventListener("close", () => fail("training worker exited before a model"));
  });
}
