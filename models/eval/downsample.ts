/** Min/max-per-bucket downsampling for plotting long series in a fixed pixel width. */

/** `count` buckets over a series; `NaN` min/max marks a bucket with no finite value. */
export interface Buckets {
  count: number;
  min: Float64Array;
  max: Float64Array;
  /** 1 when the bucket contains a missing (`NaN`) sample: the line breaks after it. */
  gap: Uint8Array;
}

/**
 * Split `values` into `min(count, values.length)` equal index buckets and keep the min and max
 * of each, so spikes survive downsampling. Bucket `b` covers `[⌊b·n/k⌋, ⌊(b+1)·n/k⌋)`.
 * @example minMaxBuckets(Float64Array.of(1, 5, 2, NaN), 2) // min [1, 2], max [5, 2], gap [0, 1]
 */
export function minMaxBuckets(values: ArrayLike<number>, count: number): Buckets {
  const n = values.length;
  const k = Math.max(0, Math.min(Math.floor(count), n));
  const min = new Float64Array(k).fill(Number.NaN);
  const max = new Float64Array(k).fill(Number.NaN);
  const gap = new Uint8Array(k);
  for (let b = 0; b < k; b++) {
    const from = Math.floor((b * n) / k);
    const to = Math.floor(((b + 1) * n) / k);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (v !== v) gap[b] = 1;
      else {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (hi >= lo) {
      min[b] = lo;
      max[b] = hi;
    }
  }
  return { count: k, min, max, gap };
}

/** Per-bucket "any flag set" over `flags`, with the same bucket boundaries as {@link minMaxBuckets}. */
export function anyBuckets(flags: Uint8Array, count: number): Uint8Array {
  const n = flags.length;
  const k = Math.max(0, Math.min(Math.floor(count), n));
  const out = new Uint8Array(k);
  for (let b = 0; b < k; b++) {
    const to = Math.floor(((b + 1) * n) / k);
    for (let i = Math.floor((b * n) / k); i < to; i++) {
      if (flags[i] === 1) {
        out[b] = 1;
        break;
      }
    }
  }
  return out;
}

/**
 * SVG path data of a downsampled line: one vertical min–max stroke per bucket, joined;
 * buckets without values, and the bucket after a missing sample, start a new subpath.
 * `x(b)` maps a bucket to pixels, `y(v)` a value.
 */
export function bucketPath(b: Buckets, x: (bucket: number) => number, y: (value: number) => number): string {
  const parts: string[] = [];
  let pen = false;
  for (let i = 0; i < b.count; i++) {
    const lo = b.min[i];
    if (lo !== lo) {
      pen = false;
      continue;
    }
    const px = x(i).toFixed(1);
    parts.push(`${pen ? "L" : "M"}${px},${y(lo).toFixed(1)}`);
    if (b.max[i] !== lo) parts.push(`L${px},${y(b.max[i]).toFixed(1)}`);
    pen = b.gap[i] === 0;
  }
  return parts.join("");
}
