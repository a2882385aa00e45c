/**
 * A duty-cycle budget for work on a thread of its own (the training worker): the work calls
 * {@link Pacer.tick} between slices; when the share of wall time spent working since the start is
 * above `budget` (cores), the thread sleeps (blocking, without CPU: `Atomics.wait`) until it is
 * back at the budget. Averaged over a job the thread thus uses at most `budget` of a core (plus one
 * slice); averaged over a schedule (a job every `every`) far less.
 * @module
 */

/** Sleeps the calling thread for `ms` without using CPU (for worker threads; never call it on the main thread). */
export function blockingSleep(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Keeps a thread's busy share of wall time at or below a budget. */
export class Pacer {
  private readonly started: number;
  private slept = 0;

  constructor(
    /** Share of one core, in (0, 1]; 1 never sleeps. */
    readonly budget: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => void = blockingSleep,
  ) {
    this.started = now();
  }

  /** Milliseconds worked (wall time not slept) since the start. */
  get busyMs(): number {
    return this.now() - this.started - this.slept;
  }

  /** Milliseconds slept so far. */
  get sleptMs(): number {
    return this.slept;
  }

  /** Sleeps as long as needed to bring the busy share back to the budget. */
  tick(): void {
    if (this.budget >= 1) return;
    const elapsed = this.now() - this.started;
    const busy = elapsed - this.slept;
    const wait = busy / this.budget - elapsed;
    if (wait <= 1) return;
    this.sleep(wait);
    this.slept += wait;
  }
}
