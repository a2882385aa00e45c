/**
 * Test support: a history directory filled with seeded synthetic series (noisy sines, a random
 * walk and a counter-like ramp), as the agent would have written it at 1 sample a second.
 * @module
 */
import { HistoryStore } from "../../../core/history/store.ts";
import type { MetricSample } from "../../../core/events.ts";
import { createRng } from "../../../data/random.ts";

/** Writes `points` rounds of `series` series to `dir` (a `HistoryStore`), starting at `t0`. */
export async function writeSyntheticHistory(dir: string, series: number, points: number, t0 = Date.UTC(2026, 0, 1), seed = 7): Promise<void> {
  const store = new HistoryStore({ dir, maxBytes: 1 << 30, flushPoints: 200_000 });
  await store.open();
  const rng = createRng(seed);
  const labels = Array.from({ length: series }, (_, i) => Object.freeze({ id: String(i) }));
  const walk = new Float64Array(series);
  for (let t = 0; t < points; t++) {
    const round: MetricSample[] = [];
    for (let i = 0; i < series; i++) {
      walk[i] += 0.1 * rng.normal();
      const kind = i % 3;
      const value = kind === 0 ? 50 + 10 * Math.sin((2 * Math.PI * t) / 300 + i) + rng.normal() : kind === 1 ? 20 + walk[i] : 5 + 0.5 * rng.normal();
      round.push({ name: "m", labels: labels[i], value, timestamp: t0 + t * 1000 });
    }
    store.append(round);
  }
  await store.flush();
}
