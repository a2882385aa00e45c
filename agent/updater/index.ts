/**
 * The model updater (`model.registry:` in agent.yaml): polls the registry's resolve endpoint
 * with jitter and ETags, downloads and verifies new versions, installs them under
 * `<data_dir>/models/<name>/<version>/`, warms them up and swaps them in between scoring rounds,
 * returns to the previous model when a new one fails early, remembers the last good version in
 * `<data_dir>/models/state.json`, and sends heartbeats. See README.md in this folder.
 *
 * @example
 * const updater = new ModelUpdater(options);
 * const model = await updater.init(preloaded);
 * updater.attach(host);
 * await runUpdater(updater, signal);
 */
import { heartbeatLoop } from "./heartbeat.ts";
import { pollLoop } from "./poll.ts";
import type { ModelUpdater } from "./updater.ts";

export { buildHeartbeat, sendHeartbeat } from "./heartbeat.ts";
export { pollOnce } from "./poll.ts";
export { modelSourceStatus, updaterStatus } from "./status.ts";
export { ModelUpdater, UpdaterConfigError } from "./updater.ts";
export { sameFeatures } from "./load.ts";
export type { ModelSource, ModelUpdaterOptions, PollResult, UpdaterHost } from "./types.ts";

/**
 * Longest the updater holds up a shutdown after `signal` aborts (ms). Requests end at once on
 * the abort; what cannot be interrupted (a warm-up, a file write) is left to finish in the
 * background, and never swaps a model in after the abort.
 */
export const UPDATER_STOP_BOUND_MS = 2_000;

/**
 * Runs the poll loop and the heartbeat loop until `signal` aborts; resolves at most
 * {@link UPDATER_STOP_BOUND_MS} after the abort, whatever the loops are doing, and never rejects.
 */
export async function runUpdater(up: ModelUpdater, signal: AbortSignal, stopBoundMs = UPDATER_STOP_BOUND_MS): Promise<void> {
  up.signal = signal;
  const loops = Promise.all([pollLoop(up, signal), heartbeatLoop(up, signal)]).then(
    () => "done" as const,
    (error: Error) => {
      up.error("loop_failed", `updater loop failed: ${error?.message ?? String(error)}`);
      return "done" as const;
    },
  );
  const bound = new Promise<"late">((resolve) => {
    const arm = () => setTimeout(() => resolve("late"), stopBoundMs).unref?.();
    if (signal.aborted) arm();
    else signal.addEventListener("abort", arm, { once: true });
  });
  if ((await Promise.race([loops, bound])) === "late") {
    up.o.log.warn({ bound_ms: stopBoundMs }, "model updater still busy at shutdown; not waiting for it");
  }
}
