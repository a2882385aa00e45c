import { sleep } from "./backoff.ts";

/** Options of {@link startupGcHints}. */
export interface GcHintOptions {
  /** Time between hints, ms (default 5000). */
  everyMs: number;
  /** How long after the start hints are given, ms (default 60 000). */
  forMs: number;
  /** The hint (default: `Bun.gc(true)`, a full collection now: 20–40 ms at 10k series). */
  gc: () => void;
}

/** Defaults of {@link GcHintOptions}. */
export const GC_HINT_DEFAULTS: GcHintOptions = { everyMs: 5000, forMs: 60_000, gc: () => void Bun.gc(true) };

/**
 * Runs a full garbage collection every `everyMs` during the first `forMs` of a run.
 *
 * Why: JavaScriptCore sizes its heap from a near-empty start, so its first full collection
 * comes late. A round of 10k series allocates its 10k records at once; the young-generation
 * collections that run meanwhile promote them, so records already delivered pile up in the old
 * generation until that first full collection: RSS climbed to ~360 MB about 30 s after start
 * before dropping to ~165 MB. With a collection every 5 s in the first minute RSS stays within
 * 150–230 MB from the start (peak 206–231 MB), and JSC's own schedule keeps it there afterwards
 * (scripts/bench/steady.ts, 10k series × 1 Hz). `Bun.gc(false)` (non-blocking) was tried and
 * did not reliably collect. Each collection blocks for 20–40 ms at 10k series: a source with a
 * shorter interval skips a slot then (`every` does not burst). Resolves when the time is up or
 * `signal` aborts.
 */
export async function startupGcHints(signal: AbortSignal, options: Partial<GcHintOptions> = {}): Promise<void> {
  const o = { ...GC_HINT_DEFAULTS, ...options };
  for (let n = Math.floor(o.forMs / o.everyMs); n > 0 && !signal.aborted; n--) {
    await sleep(o.everyMs, signal);
    if (!signal.aborted) o.gc();
  }
}
