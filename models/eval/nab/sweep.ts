/**
 * NAB's per-point weights (the `calcSweepScore` of numenta/NAB's `nab/sweeper.py`): every row of
 * a file gets the score it would add if it were a detection. Inside a labelled window the
 * weight is a scaled sigmoid of the row's position (≈ +tpWeight at the window's start, ≈ 0 at
 * its end); outside, a false positive costs `fpWeight` times a sigmoid of its distance past the
 * previous window's end (−fpWeight when there is no previous window or it is far behind). Rows
 * in the probationary period (the first 15 % of the file, at most 750 rows) do not count.
 */
import type { NabCostMatrix } from "../../../data/io/nab.ts";

/** Marks a row of the probationary period in {@link SweptFile.window}. */
export const PROBATION = -2;
/** Marks a row outside every window in {@link SweptFile.window}. */
export const OUTSIDE = -1;

/** NAB's scaled sigmoid: 2·σ(−5x) − 1, and −1 past 3 window widths. */
export function scaledSigmoid(x: number): number {
  if (x > 3) return -1;
  return 2 / (1 + Math.exp(5 * x)) - 1;
}

/** Rows of NAB's probationary period for a file of `n` rows: min(⌊0.15·n⌋, 750). */
export function probationLength(n: number, percent = 0.15): number {
  return Math.min(Math.floor(percent * n), percent * 5000);
}

/** One file's rows as NAB's sweep sees them. */
export interface SweptFile {
  /** Row weight if the row were a detection (already multiplied by the cost matrix). */
  weights: Float64Array;
  /** Window index of each row, {@link OUTSIDE} or {@link PROBATION}. */
  window: Int32Array;
  /** Windows of the file (including any that fall wholly in probation). */
  windowCount: number;
}

/**
 * Turns ms-timestamp windows into inclusive row ranges: the first and last row whose
 * timestamp lies in [start, end]. Windows with no row are dropped.
 */
export function windowRows(timestamps: Float64Array, windows: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [lo, hi] of windows) {
    let left = -1;
    let right = -1;
    for (let i = 0; i < timestamps.length; i++) {
      const t = timestamps[i];
      if (t >= lo && t <= hi) {
        if (left < 0) left = i;
        right = i;
      }
    }
    if (left >= 0) out.push([left, right]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * Weights every row of one file.
 *
 * @example
 * const s = sweepFile(1000, [[500, 599]], NAB_PROFILES.standard);
 * s.weights[500]; // 1 (a detection at the window's start)
 */
export function sweepFile(n: number, windows: readonly [number, number][], costs: NabCostMatrix): SweptFile {
  const weights = new Float64Array(n);
  const window = new Int32Array(n);
  const probation = probationLength(n);
  const maxTP = scaledSigmoid(-1);
  let w = 0;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    const cur = w < windows.length && i >= windows[w][0] && i <= windows[w][1] ? w : -1;
    if (cur >= 0) {
      const [left, right] = windows[cur];
      const width = right - left + 1;
      weights[i] = (scaledSigmoid(-(right - i + 1) / width) * costs.tpWeight) / maxTP;
    } else if (prevRight < 0) {
      weights[i] = -costs.fpWeight;
    } else {
      weights[i] = scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1)) * costs.fpWeight;
    }
    window[i] = i < probation ? PROBATION : cur >= 0 ? cur : OUTSIDE;
    if (cur >= 0 && i === windows[cur][1]) {
      prevRight = i;
      prevWidth = windows[cur][1] - windows[cur][0] + 1;
      w++;
    }
  }
  return { weights, window, windowCount: windows.length };
}
