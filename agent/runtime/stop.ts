/**
 * The bounded stop of `agent run`: SIGTERM/SIGINT/`--duration` end the process within
 * {@link STOP_BOUND_MS} whatever state the runtime is in (a full disk, a sink that hangs), with one
 * log line when the stop did not complete cleanly — never a stack trace, never a hang.
 * @module
 */
import type { Logger } from "pino";

/** Sinks get 10 s to flush (`AgentRuntime.stop`); everything else 5 s more. */
export const STOP_BOUND_MS = 15_000;

/**
 * Runs `stop` with a deadline. Resolves true when it completed, false (after logging one line)
 * when it threw or did not finish within `boundMs`; the caller then exits with status 1.
 */
export async function stopWithin(stop: () => Promise<void>, log: Logger, boundMs = STOP_BOUND_MS): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the stop did not finish within ${boundMs / 1000} s`)), boundMs);
  });
  try {
    await Promise.race([stop(), deadline]);
    return true;
  } catch (error) {
    log.error({ error_type: "stop_failed" }, `stopping: ${(error as Error).message}; exiting anyway (what the disk buffer holds is sent after the next start)`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}
