/**
 * The training worker's CPU budget. The work calls {@link Pacer.tick} between slices (every 20
 * training batches, every history segment read, every series evaluated):
 *
 * - **Duty cycle**: when the share of wall time spent working since the start is above `budget`
 *   (cores), the thread sleeps (blocking, no CPU: `Atomics.wait`) until it is back at the budget.
 *   Averaged over a run the thread uses at most `budget` of a core (plus one slice); averaged over
 *   a schedule (a run every `every`) far less.
 * - **Between rounds** (with a round gate: an `Int32Array` on a `SharedArrayBuffer` whose [0] the
 *   scoring thread increments and notifies after every round): the worker works only in the
 *   first `budget × period` ms after a round ended (`period`: the measured time between rounds)
 *   and then waits for the next round to end, so its slices fall in the gaps between rounds,
 *   not on top of them; over the duty-cycle budget it also waits for the next round. With no round for
 *   3 periods (a paused source) it goes on by the duty cycle alone until rounds come back.
 * @module
 */

/** Sleeps the calling thread for `ms` without using CPU (for worker threads; never call it on the main thread). */
export function blockingSleep(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Waits (blocking) until `gate[0]` is no longer `seen` or `ms` passed. */
export function waitForRound(gate: Int32Array, seen: number, ms: number): void {
  if (ms > 0) Atomics.wait(gate, 0, seen, ms);
}

/** The scoring thread's side of a round gate: count one round and wake a waiting worker. */
export function roundEnded(gate: Int32Array): void {
  Atomics.add(gate, 0, 1);
  Atomics.notify(gate, 0);
}

/** Keeps a thread's busy share of wall time at or below a budget, in the gaps between rounds when it has a gate. */
export class Pacer {
  private readonly started: number;
  private slept = 0;
  private seen: number;
  private roundAt: number;
  /** Estimated ms between rounds. */
  private period = 1000;
  /** No round came for 3 periods: the duty cycle alone applies until one does. */
  private gateless = false;

  constructor(
    /** Share of one core, in (0, 1]; 1 never sleeps (without a gate). */
    readonly budget: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => void = blockingSleep,
    private readonly gate?: Int32Array,
    private readonly wait: (gate: Int32Array, seen: number, ms: number) => void = waitForRound,
  ) {
    this.started = this.roundAt = now();
    this.seen = gate ? Atomics.load(gate, 0) : 0;
  }

  /** Milliseconds worked (wall time not slept) since the start. */
  get busyMs(): number {
    return this.now() - this.started - this.slept;
  }

  /** Milliseconds slept so far. */
  get sleptMs(): number {
    return this.slept;
  }

  /** Notes a round that ended since the last look (updates the period estimate). */
  private observe(t: number): void {
    const c = Atomics.load(this.gate!, 0);
    if (c === this.seen) return;
    const rounds = c - this.seen;
    this.seen = c;
    const dt = (t - this.roundAt) / rounds;
    this.period = Math.min(60_000, Math.max(20, 0.8 * this.period + 0.2 * dt));
    this.roundAt = t;
  }

  /** Sleeps as long as the budget and the round gate say. */
  tick(): void {
    if (this.gate && this.budget < 1) {
      const t = this.now();
      if (this.gateless && Atomics.load(this.gate, 0) !== this.seen) {
        this.gateless = false; // rounds again
        this.seen = Atomics.load(this.gate, 0);
        this.roundAt = t;
      }
      if (!this.gateless) {
        this.observe(t);
        const elapsed = t - this.started;
        const underBudget = elapsed - this.slept <= this.budget * elapsed;
        if (underBudget && t - this.roundAt <= Math.max(2, this.budget * this.period)) return;
        const seen = this.seen;
        this.wait(this.gate, seen, 3 * this.period);
        const t2 = this.now();
        this.slept += t2 - t;
        if (Atomics.load(this.gate, 0) !== seen) {
          this.observe(t2);
          return;
        }
        this.gateless = true; // no round came: the duty cycle alone until one does
      }
    }
    if (this.budget >= 1) return;
    const elapsed = this.now() - this.started;
    const busy = elapsed - this.slept;
    const wait = busy / this.budget - elapsed;
    if (wait <= 1) return;
    this.sleep(wait);
    this.slept += wait;
  }
}
