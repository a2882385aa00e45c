/** Thresholds of the anomaly-event state machine. */
export interface HysteresisOptions {
  /** Score at or above which a series starts (or keeps) an anomaly. */
  open: number;
  /** Score below which an open anomaly closes (≤ open). */
  close: number;
  /** Consecutive points at or above `open` needed to open. */
  minPoints: number;
}

/** A transition the tracker reports. */
export type Transition =
  | { kind: "open"; start: number; peak: number; points: number }
  | { kind: "close"; start: number; end: number; peak: number; points: number };

/**
 * Per-series anomaly state with hysteresis: one event when a series crosses `open`
 * (after `minPoints` consecutive points), one when it falls below `close` — not one per point.
 */
export class HysteresisTracker {
  private open = false;
  private run = 0;
  private start = 0;
  private peak = 0;
  private points = 0;

  constructor(private readonly o: HysteresisOptions) {}

  /** Whether the series is currently in an open anomaly. */
  get isOpen(): boolean {
    return this.open;
  }

  /** Feeds one score at time `t` (ms); returns a transition or undefined. */
  update(score: number, t: number): Transition | undefined {
    if (!this.open) {
      if (score >= this.o.open) {
        if (this.run === 0) {
          this.start = t;
          this.peak = 0;
        }
        this.run++;
        this.peak = Math.max(this.peak, score);
        if (this.run >= this.o.minPoints) {
          this.open = true;
          this.points = this.run;
          return { kind: "open", start: this.start, peak: this.peak, points: this.points };
        }
      } else {
        this.run = 0;
      }
      return undefined;
    }
    if (score < this.o.close) {
      this.open = false;
      this.run = 0;
      return { kind: "close", start: this.start, end: t, peak: this.peak, points: this.points };
    }
    this.points++;
    this.peak = Math.max(this.peak, score);
    return undefined;
  }
}

/**
 * The `anomaly` fields of an open/close event record for a transition (times as ISO strings,
 * `end` only on close; see `core/events.ts`).
 */
export function transitionFields(
  tr: Transition,
  threshold: number,
): {
  state: Transition["kind"];
  start: string;
  end: string | undefined;
  peak_score: number;
  threshold: number;
  points: number;
} {
  return {
    state: tr.kind,
    start: new Date(tr.start).toISOString(),
    end: tr.kind === "close" ? new Date(tr.end).toISOString() : undefined,
    peak_score: tr.peak,
    threshold,
    points: tr.points,
  };
}
