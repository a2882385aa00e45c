import { sleep } from "./backoff.ts";

/** Options of {@link governHeap}. */
export interface HeapGovernorOptions {
  /** How often RSS is looked at, ms (default 1000). */
  checkEveryMs: number;
  /** RSS growth since the last collection that triggers a full one, bytes (default 64 MiB). */
  growthBytes: number;
  /** The collection (default `Bun.gc(true)`: a full collection now, 20–40 ms at 10k series). */
  gc: () => void;
  /** Resident set size now, bytes (default `process.memoryUsage.rss()`). */
  rss: () => number;
}

/** Defaults of {@link HeapGovernorOptions}. */
export const HEAP_GOVERNOR_DEFAULTS: HeapGovernorOptions = {
  checkEveryMs: 1000,
  growthBytes: 64 * 1024 * 1024,
  gc: () => void Bun.gc(true),
  rss: () => process.memoryUsage.rss(),
};

/**
 * Runs a full garbage collection whenever RSS has grown by `growthBytes` since the last one (or
 * since the start); returns when `signal` aborts.
 *
 * Why: a round of 10k series allocates its 10k records at once, so the young-generation
 * collections that run meanwhile promote them, and records already delivered pile up in the
 * old generation until JavaScriptCore's next full collection. Left to itself, JSC let RSS climb
 * to 345–375 MB between full collections at 10k series × 1 Hz (its schedule is tied to
 * event-loop activity, and a quiet agent has little). With this governor RSS stays at about
 * 165–235 MB (scripts/bench/steady.ts); a full collection costs 20–40 ms and comes every
 * ~10 s at that rate. An agent whose RSS does not grow never collects here. A source with an
 * interval shorter than a collection skips a slot then (`every` does not burst).
 */
export async function governHeap(signal: AbortSignal, options: Partial<HeapGovernorOptions> = {}): Promise<void> {
  const o = { ...HEAP_GOVERNOR_DEFAULTS, ...options };
  let base = o.rss();
  while (!signal.aborted) {
    await sleep(o.checkEveryMs, signal);
    if (signal.aborted) return;
    const now = o.rss();
    if (now - base > o.growthBytes) {
      o.gc();
      base = o.rss();
    } else if (now < base) base = now; // collected (or returned memory) by itself
  }
}
