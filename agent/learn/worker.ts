/**
 * The training worker: runs one {@link runJob} per message on its own thread, at the lowest CPU
 * priority (`setPriority(19)` applies to the calling thread on Linux: the scoring thread keeps its
 * own) and within the spec's duty-cycle budget. Messages: in `{ spec, gate? }` (a `JobSpec`, and the round gate of `core/runtime/pace.ts`); out `{ type: "phase", phase }` as it
 * goes, then `{ type: "done", result }` or `{ type: "error", message }`.
 * @module
 */
import { setPriority } from "node:os";
import { type JobSpec, runJob } from "./job.ts";
import { Pacer } from "../../core/runtime/pace.ts";

declare const self: Worker;

try {
  setPriority(19);
} catch {
  // not permitted here: the duty-cycle budget still applies
}

self.onmessage = async (e: MessageEvent<{ spec: JobSpec; gate?: SharedArrayBuffer }>) => {
  try {
    const { spec, gate } = e.data;
    const pacer = new Pacer(spec.budget, undefined, undefined, gate && new Int32Array(gate));
    const result = await runJob(spec, pacer, (phase) => self.postMessage({ type: "phase", phase }));
    self.postMessage({ type: "done", result });
  } catch (error) {
    self.postMessage({ type: "error", message: (error as Error).message });
  }
};
