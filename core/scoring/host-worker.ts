/**
 * The host model's training worker: trains one {@link trainHostModel} per message on its own
 * thread, at the lowest CPU priority (`setPriority(19)` applies to the calling thread on Linux:
 * the scoring thread keeps its own) and paced by core/runtime/pace.ts (duty-cycle budget, and
 * the round gate: work only in the gaps between rounds). Messages: out `{ type: "ready" }` once loaded; in {@link HostTrainRequest}
 * (the rows' buffer transferred, not copied); out {@link HostTrainReply}: the serialized model
 * (models/host/format.ts), which the scoring thread parses strictly, or the error's message.
 * @module
 */
import { setPriority } from "node:os";
import { serializeHostModel } from "../../models/host/format.ts";
import { trainHostModel } from "../../models/host/train.ts";
import { Pacer } from "../runtime/pace.ts";
import type { HostTrainReply, HostTrainRequest } from "./host-train.ts";

declare const self: Worker;

try {
  setPriority(19);
} catch {
  // not permitted here: the duty-cycle budget and the round gate still apply
}

self.onmessage = async (e: MessageEvent<HostTrainRequest>) => {
  let reply: HostTrainReply;
  try {
    const { rows, n, names, options, budget, gate } = e.data;
    const pacer = new Pacer(budget, undefined, undefined, gate && new Int32Array(gate));
    const model = await trainHostModel(rows, n, names, { ...options, slice: () => pacer.tick() });
    reply = { type: "done", text: serializeHostModel(model), busyMs: Math.round(pacer.busyMs), sleptMs: Math.round(pacer.sleptMs) };
  } catch (error) {
    reply = { type: "error", message: (error as Error).message };
  }
  self.postMessage(reply);
};

self.postMessage({ type: "ready" } satisfies HostTrainReply);
