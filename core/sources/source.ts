import type { CollectResult } from "../events.ts";

/**
 * A metrics source. The runtime calls {@link Source.collect} every `intervalMs`; runs of one
 * source never overlap (a slow round delays the next). `collect` never throws for bad data: it
 * skips it and reports a {@link ComponentError} in the result, which the runtime counts.
 */
export interface Source {
  readonly id: string;
  readonly type: "synthetic" | "procfs" | "prometheus";
  /** Milliseconds between collection rounds. */
  readonly intervalMs: number;
  /** Collect one round at `now` (ms since epoch). `signal` aborts a slow round (timeouts). */
  collect(now: number, signal?: AbortSignal): Promise<CollectResult>;
  /** Release resources. */
  close?(): Promise<void>;
}
