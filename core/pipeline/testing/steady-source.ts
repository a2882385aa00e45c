/**
 * A source that returns `series` samples every round, each a gentle sine (never an anomaly
 * after warm-up), for pipeline tests (never used at runtime).
 * @module
 */
import type { CollectResult } from "../../events.ts";
import type { Source } from "../../sources/source.ts";

/** A {@link Source} of `series` well-behaved series; counts its rounds and whether it was closed. */
export class SteadySource implements Source {
  readonly type = "synthetic" as const;
  rounds = 0;
  closed = false;

  constructor(
    readonly id: string,
    readonly intervalMs: number,
    private readonly series: number,
  ) {}

  async collect(now: number): Promise<CollectResult> {
    const round = this.rounds++;
    const samples = Array.from({ length: this.series }, (_, i) => ({
      name: "steady.value",
      labels: { series: String(i) },
      value: 10 + Math.sin(round / 5 + i),
      timestamp: now,
    }));
    return { samples, errors: [] };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
