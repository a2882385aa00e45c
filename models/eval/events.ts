/** Predicted events: contiguous runs of flagged points, nearby runs merged. */

/** An inclusive index range `[start, end]` of one predicted event. */
export interface PredictedEvent {
  start: number;
  end: number;
}

/**
 * Runs of `flags[i] === 1`; two runs separated by fewer than `mergeGap` unflagged points
 * become one event spanning both (the gap included).
 * @example predictedEvents(Uint8Array.of(1, 0, 1, 0, 0, 0, 1), 3) // [{start:0,end:2},{start:6,end:6}]
 */
export function predictedEvents(flags: Uint8Array, mergeGap: number): PredictedEvent[] {
  const out: PredictedEvent[] = [];
  let start = -1;
  for (let i = 0; i <= flags.length; i++) {
    const on = i < flags.length && flags[i] === 1;
    if (on && start < 0) start = i;
    else if (!on && start >= 0) {
      const last = out[out.length - 1];
      if (last && start - last.end - 1 < mergeGap) last.end = i - 1;
      else out.push({ start, end: i - 1 });
      start = -1;
    }
  }
  return out;
}
