import type { WindowBatch } from "../detector.ts";
import { SeriesFeaturizer } from "./featurizer.ts";
import type { FeatureSpec } from "./spec.ts";
import { featureWidth } from "./spec.ts";

/** Windows of one or more series plus where each row came from. */
export interface SeriesWindows {
  batch: WindowBatch;
  /** For row r: index of the series in the input list. */
  seriesIndex: Int32Array;
  /** For row r: index of the point (the newest sample of the window) in its series. */
  pointIndex: Int32Array;
}

/**
 * Builds the windows of many series with streaming semantics: the row for point t uses only
 * samples up to t (exactly what {@link SeriesFeaturizer} would emit live). Gaps and warm-up
 * points produce no row.
 *
 * `keep(seriesIdx, pointIdx)` may drop rows (e.g. training keeps only windows free of labels).
 */
export function buildWindows(series: readonly Float64Array[], spec: FeatureSpec, keep?: (seriesIdx: number, pointIdx: number) => boolean): SeriesWindows {
  const width = featureWidth(spec);
  let capacity = 0;
  for (const v of series) capacity += v.length;
  let data = new Float32Array(capacity * width);
  const seriesIndex = new Int32Array(capacity);
  const pointIndex = new Int32Array(capacity);
  let n = 0;
  series.forEach((values, s) => {
    const f = new SeriesFeaturizer(spec);
    for (let i = 0; i < values.length; i++) {
      if (f.push(values[i], data, n * width) !== "window") continue;
      if (keep && !keep(s, i)) continue;
      seriesIndex[n] = s;
      pointIndex[n] = i;
      n++;
    }
  });
  data = data.subarray(0, n * width);
  return {
    batch: { data, n, width },
    seriesIndex: seriesIndex.subarray(0, n),
    pointIndex: pointIndex.subarray(0, n),
  };
}

/** Keeps every `stride`-th row (deterministic subsampling for training on large datasets). */
export function strideRows(w: SeriesWindows, maxRows: number): SeriesWindows {
  if (w.batch.n <= maxRows) return w;
  const stride = w.batch.n / maxRows;
  const width = w.batch.width;
  const data = new Float32Array(maxRows * width);
  const seriesIndex = new Int32Array(maxRows);
  const pointIndex = new Int32Array(maxRows);
  for (let r = 0; r < maxRows; r++) {
    const src = Math.floor(r * stride);
    data.set(w.batch.data.subarray(src * width, (src + 1) * width), r * width);
    seriesIndex[r] = w.seriesIndex[src];
    pointIndex[r] = w.pointIndex[src];
  }
  return { batch: { data, n: maxRows, width }, seriesIndex, pointIndex };
}
