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

/** Runs the poll loop and the heartbeat loop until `signal` aborts. */
export async function runUpdater(up: ModelUpdater, signal: AbortSignal): Promise<void> {
  up.signal = signal;
  await Promise.all([pollLoop(up, signal), heartbeatLoop(up, signal)]);
}
