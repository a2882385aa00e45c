/**
 * A source of `series` seeded noise series (N(10, 1), one seeded stream each) whose distribution
 * changes at round `changeAt` for the series `changed` selects: a level shift (`shift`, in σ)
 * and a variance change (`scale`, × σ). For drift tests (never used at runtime); values depend
 * on the round number only, so a test sees the same values whatever the timing; sample times are
 * `stepMs` apart (default 1 s: the models calibrate as at 1 Hz) from 2026-01-01.
 * @module
 */
import { createRng, mixSeed, type Rng } from "../../../data/random.ts";
import type { CollectResult } from "../../events.ts";
import type { Source } from "../../sources/source.ts";

const T0 = Date.UTC(2026, 0, 1);

/** What changes, and when. */
export interface Shift {
  /** First round (0-based) with the changed distribution; Infinity for a stable source. */
  changeAt: number;
  /** Level shift, in standard deviations (default 0). */
  shift?: number;
  /** Spread multiplier (default 1). */
  scale?: number;
  /** Which series change (default all). */
  changed?: (series: number) => boolean;
}

/** A {@link Source} of seeded noise with a change of distribution at a known round. */
export class ShiftingSource implements Source {
  readonly type = "synthetic" as const;
  rounds = 0;
  private readonly rngs: Rng[];
  private readonly labels: Record<string, string>[];

  constructor(
    readonly id: string,
    readonly intervalMs: number,
    series: number,
    private readonly s: Shift,
    seed = 11,
    private readonly stepMs = 1000,
  ) {
    this.rngs = Array.from({ length: series }, (_, i) => createRng(mixSeed(seed, i)));
    this.labels = Array.from({ length: series }, (_, i) => Object.freeze({ series: String(i) }));
  }

  async collect(_now: number): Promise<CollectResult> {
    const round = this.rounds++;
    const after = round >= this.s.changeAt;
    const ts = T0 + round * this.stepMs; // sample time as the models see it: `stepMs` apart, whatever the test's pace
    const samples = this.rngs.map((rng, i) => {
      const changed = after && (this.s.changed?.(i) ?? true);
      const z = rng.normal() * (changed ? (this.s.scale ?? 1) : 1);
      return { name: "shifting.value", labels: this.labels[i], value: 10 + z + (changed ? (this.s.shift ?? 0) : 0), timestamp: ts };
    });
    return { samples, errors: [] };
  }
}
