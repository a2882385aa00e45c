/**
 * Per-metric robust normalisation of the host vector, fitted on training rows: each metric is
 * centred on its training median, divided by a robust spread and squashed with `asinh` (linear
 * near 0, logarithmic in the tails), so a metric with rare idle spikes (disk reads) neither
 * dominates the reconstruction error nor hides a real jump.
 */

/** Per-metric statistics from the training rows. */
export interface FeatureStats {
  /** Training median of each metric (also its imputed value when a sample is missing). */
  median: Float64Array;
  /** Robust spread of each metric (> 0). */
  scale: Float64Array;
}

function quantileSorted(s: Float64Array, p: number): number {
  if (s.length === 0) return Number.NaN;
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/**
 * Median and spread of each column of `rows` (`n × d` row-major, NaN = missing). The spread is
 * the largest of IQR/1.349, (p95 − p5)/3.29 (both σ for a normal), 1e-3 × |median| and 1e-9: a
 * metric constant in training still gets a finite, small spread, so any later change of it
 * stands out, and a slowly growing byte count (a filesystem filling) does not.
 */
export function fitStats(rows: Float32Array, n: number, d: number): FeatureStats {
  const median = new Float64Array(d);
  const scale = new Float64Array(d);
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = rows[i * d + j];
      if (Number.isFinite(v)) col[m++] = v;
    }
    const s = col.subarray(0, m).sort();
    const med = m ? quantileSorted(s, 0.5) : 0;
    const iqr = m ? (quantileSorted(s, 0.75) - quantileSorted(s, 0.25)) / 1.349 : 0;
    const p90 = m ? (quantileSorted(s, 0.95) - quantileSorted(s, 0.05)) / 3.29 : 0;
    median[j] = med;
    scale[j] = Math.max(iqr, p90, 1e-3 * Math.abs(med), 1e-9);
  }
  return { median, scale };
}

/**
 * Normalises one vector `x` (length d) into `out`: `asinh((x − median) / scale)`. A missing
 * (non-finite) value becomes 0 — its training median — and `present[j]` is set to 0 for it.
 */
export function normalizeInto(stats: FeatureStats, x: ArrayLike<number>, out: Float32Array, present: Uint8Array): void {
  const { median, scale } = stats;
  for (let j = 0; j < median.length; j++) {
    const v = x[j];
    if (Number.isFinite(v)) {
      out[j] = Math.asinh((v - median[j]) / scale[j]);
      present[j] = 1;
    } else {
      out[j] = 0;
      present[j] = 0;
    }
  }
}

/** Normalises every row of `rows` (`n × d`); missing values become 0 (the training median). */
export function normalizeRows(stats: FeatureStats, rows: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  const present = new Uint8Array(d);
  for (let i = 0; i < n; i++) normalizeInto(stats, rows.subarray(i * d, (i + 1) * d), out.subarray(i * d, (i + 1) * d), present);
  return out;
}
