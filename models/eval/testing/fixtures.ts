/** Test helpers shared by the eval tests (not part of the public API). */
import type { AnomalyRecord, AnomalyType } from "../../../data/types.ts";
import type { SeriesEval } from "../types.ts";

/** A scored series from plain arrays; one point per minute from 2024-01-01, values default to a sine. */
export function series(name: string, labels: ArrayLike<number>, scores: ArrayLike<number>, threshold = 0.5, values?: ArrayLike<number>): SeriesEval {
  const n = labels.length;
  const t0 = Date.UTC(2024, 0, 1);
  return {
    name,
    timestamps: Float64Array.from({ length: n }, (_, i) => t0 + i * 60_000),
    values: values ? Float64Array.from(values) : Float64Array.from({ length: n }, (_, i) => Math.sin(i / 10)),
    labels: Uint8Array.from(labels),
    scores: Float32Array.from(scores),
    threshold,
  };
}

/** An anomaly record with ISO fields filled in. */
export function record(seriesName: string, type: AnomalyType, startIndex: number, endIndex: number): AnomalyRecord {
  return { series: seriesName, type, startIndex, endIndex, start: "", end: "" };
}

/** Labels with 1 on every inclusive `[start, end]` range. */
export function labelsWith(n: number, ranges: readonly [number, number][]): Uint8Array {
  const labels = new Uint8Array(n);
  for (const [a, b] of ranges) labels.fill(1, a, b + 1);
  return labels;
}
