/**
 * Runs a {@link JobSpec} in a fresh Bun `Worker` (`worker.ts`) and resolves with its result; the
 * worker is terminated when the job ends or `signal` aborts (a stop mid-training: the candidate
 * directory is then at most a `*.tmp-*` one, removed at the next start).
 * @module
 */
import type { JobPhase, JobResult, JobSpec } from "./job.ts";

/** Thrown when the worker failed, or was stopped, before a result. */
export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrainingError";
  }
}

/**
 * Where the worker's code is: beside this file when run from source; in a compiled binary
 * (`scripts/build.ts` gives `agent/learn/worker.ts` as a second entry point) entry points are
 * embedded by their path below the entry points' common folder (the repository root, since the
 * host model's worker `core/scoring/host-worker.ts` is one too), as `.js`.
 */
export function workerUrl(metaUrl = import.meta.url): string {
  return metaUrl.includes("/$bunfs/") ? "/$bunfs/root/agent/learn/worker.js" : new URL("./worker.ts", metaUrl).href;
}

/** Runs `spec` in a worker thread; `gate` (on a `SharedArrayBuffer`, see `core/runtime/pace.ts`) keeps its work between rounds. */
export function runJobInWorker(spec: JobSpec, signal?: AbortSignal, onPhase?: (phase: JobPhase) => void, gate?: Int32Array): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl());
    const end = (): void => {
      signal?.removeEventListener("abort", onAbort);
      worker.terminate();
    };
    const onAbort = (): void => {
      end();
      reject(new TrainingError("training stopped"));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.onmessage = (e: MessageEvent<{ type: "phase"; phase: JobPhase } | { type: "done"; result: JobResult } | { type: "error"; message: string }>) => {
      if (e.data.type === "phase") return onPhase?.(e.data.phase);
      end();
      if (e.data.type === "done") resolve(e.data.result);
      else reject(new TrainingError(e.data.message));
    };
    worker.onerror = (e) => {
      end();
      reject(new TrainingError(e.message || "training worker failed"));
    };
    worker.postMessage({ spec, gate: gate?.buffer });
  });
}
