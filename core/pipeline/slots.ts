import type { SinkDriver } from "../sinks/driver.ts";

/** Thrown when the pipeline cannot start (names the path or component). */
export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartError";
  }
}

/** One sink of the running pipeline: its id, its driver and its last probe result. */
export interface SinkSlot {
  id: string;
  driver: SinkDriver;
  /** Why the last reachability probe failed (undefined when reachable). */
  probe?: string;
}

/** Why the agent is not ready (`/readyz`): no model, an unreachable sink, a halted sink. Empty when ready. */
export function readinessReasons(modelLoaded: boolean, slots: readonly SinkSlot[]): string[] {
  const reasons: string[] = [];
  if (!modelLoaded) reasons.push("model not loaded");
  for (const s of slots) {
    if (s.probe) reasons.push(`sink ${s.id}: ${s.probe}`);
    const st = s.driver.status();
    if (st.state === "halted") reasons.push(`sink ${s.id} halted: ${st.halted_reason}`);
  }
  return reasons;
}
