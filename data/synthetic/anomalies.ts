/**
 * Anomaly placement and injection.
 *
 * Planning draws each anomaly's type and shape, then places it: never in the first
 * max(100, 10%) points, inside the series, and at least {@link MIN_GAP} points away from every
 * other anomaly's affected range. Injection edits a {@link Canvas} (additive offsets, noise
 * scale, stuck / missing ranges); the generator composes the final values from it.
 */
import { ANOMALY_TYPES, type AnomalyType } from "../types.ts";
import type { Rng } from "../random.ts";

/** Minimum number of untouched points between two anomalies of one series. */
export const MIN_GAP = 50;

/** A placed anomaly. All indices are inclusive. */
export interface PlannedAnomaly {
  type: AnomalyType;
  /** First and last point the anomaly changes. */
  start: number;
  end: number;
  /** The labelled window (ground truth), always inside [start, end + 2]. */
  labelStart: number;
  labelEnd: number;
  /** spike/dip: points; level_shift/variance_burst/flatline/missing_gap: duration; drift: ramp. */
  length: number;
  /** drift only: points held at full magnitude after the ramp. */
  hold: number;
}

/** Where an anomaly can be written: the generator's working arrays for one series. */
export interface Canvas {
  /** Additive noise per point (scaled in place by variance bursts). */
  noise: Float64Array;
  /** Additive offset per point (spikes, dips, shifts, drifts). */
  offset: Float64Array;
  /** Noise std σ of the series. */
  sigma: number;
  /** Base level of the series. */
  base: number;
  /** Inclusive ranges whose value is stuck at the value of their first point. */
  stuck: Array<[number, number]>;
  /** Inclusive ranges whose value is missing (NaN). */
  missing: Array<[number, number]>;
}

/** First index an anomaly may start at in a series of `n` points. */
export function earliestStart(n: number): number {
  return Math.max(100, Math.ceil(0.1 * n));
}

const DRIFT_RETURN = 10;
const SHIFT_LABEL = 16;

interface Shape {
  length: number;
  hold: number;
  /** Points the anomaly occupies (level_shift: its full duration, truncated at the end). */
  footprint: number;
  /** Points that must fit after the start. */
  minFit: number;
}

function sampleShape(rng: Rng, type: AnomalyType): Shape {
  const plain = (length: number): Shape => ({ length, hold: 0, footprint: length, minFit: length });
  switch (type) {
    case "spike":
    case "dip": {
      const len = rng.int(1, 3);
      return { length: len, hold: 0, footprint: len + 2, minFit: len + 2 };
    }
    case "level_shift": {
      const d = rng.int(100, 400);
      return { length: d, hold: 0, footprint: d, minFit: SHIFT_LABEL };
    }
    case "drift": {
      const ramp = rng.int(40, 120);
      const hold = rng.int(40, 60);
      const fp = ramp + hold + DRIFT_RETURN;
      return { length: ramp, hold, footprint: fp, minFit: fp };
    }
    case "variance_burst":
      return plain(rng.int(20, 60));
    case "flatline":
      return plain(rng.int(30, 90));
    case "missing_gap":
      return plain(rng.int(5, 30));
  }
}

function labelWindow(type: AnomalyType, start: number, end: number, length: number): [number, number] {
  if (type === "spike" || type === "dip") return [start, start + length + 1];
  // A shift or drift is labelled for its whole excursion, return included: the system is in an
  // abnormal state until it is back, and the way back is a change an operator sees too.
  if (type === "level_shift") return [start, end];
  if (type === "drift") return [start, end];
  return [start, end];
}

/**
 * Draw and place `count` anomalies in a series of `n` points, sorted by start. An anomaly that
 * finds no free spot after 100 tries is dropped (never the first one when n ≥ 300).
 *
 * @example
 * planAnomalies(createRng(3), 1440, 2).map((a) => a.type); // e.g. ["dip", "drift"]
 */
export function planAnomalies(rng: Rng, n: number, count: number): PlannedAnomaly[] {
  const placed: PlannedAnomaly[] = [];
  const lo = earliestStart(n);
  for (let k = 0; k < count; k++) {
    const type = rng.pick(ANOMALY_TYPES);
    const shape = sampleShape(rng, type);
    const hi = n - shape.minFit;
    if (hi < lo) continue;
    for (let attempt = 0; attempt < 100; attempt++) {
      const start = rng.int(lo, hi);
      const end = start + Math.min(shape.footprint, n - start) - 1;
      const clash = placed.some((p) => !(start - p.end > MIN_GAP || p.start - end > MIN_GAP));
      if (clash) continue;
      const [labelStart, labelEnd] = labelWindow(type, start, end, shape.length);
      placed.push({ type, start, end, labelStart, labelEnd, length: shape.length, hold: shape.hold });
      break;
    }
  }
  return placed.sort((a, b) => a.start - b.start);
}

/**
 * Write one planned anomaly onto the canvas; returns its signed magnitude (in σ for
 * spike/dip/level_shift/drift, the noise factor for variance_burst, 0 otherwise).
 *
 * @example
 * const mag = injectAnomaly(createRng(1), canvas, plan); // e.g. 12.4 for a spike
 */
export function injectAnomaly(rng: Rng, c: Canvas, a: PlannedAnomaly): number {
  const { offset, sigma } = c;
  switch (a.type) {
    case "spike":
    case "dip": {
      const amount = Math.max(rng.uniform(8, 20) * sigma, 0.3 * c.base);
      const signed = a.type === "spike" ? amount : -amount;
      for (let i = a.start; i < a.start + a.length; i++) offset[i] += signed;
      return signed / sigma;
    }
    case "level_shift": {
      const shift = rng.sign() * rng.uniform(6, 12) * sigma;
      for (let i = a.start; i <= a.end; i++) offset[i] += shift;
      return shift / sigma;
    }
    case "drift": {
      const top = rng.sign() * rng.uniform(10, 20) * sigma;
      const ramp = a.length;
      for (let k = 0; k < ramp; k++) offset[a.start + k] += (top * (k + 1)) / ramp;
      const holdEnd = a.start + ramp + a.hold;
      for (let i = a.start + ramp; i < holdEnd; i++) offset[i] += top;
      for (let k = 0; k < DRIFT_RETURN; k++) offset[holdEnd + k] += top * (1 - (k + 1) / (DRIFT_RETURN + 1));
      return top / sigma;
    }
    case "variance_burst": {
      const factor = rng.uniform(5, 8);
      for (let i = a.start; i <= a.end; i++) c.noise[i] *= factor;
      return factor;
    }
    case "flatline":
      c.stuck.push([a.start, a.end]);
      return 0;
    case "missing_gap":
      c.missing.push([a.start, a.end]);
      return 0;
  }
}
