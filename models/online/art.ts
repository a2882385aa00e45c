/**
 * A fuzzy-ART (adaptive resonance theory, Carpenter & Grossberg) context model of a series'
 * recent *shapes*, after ARTime (M. Hampton): the ninth statistic of `online:default`.
 *
 * The series is cut into blocks of `block` samples; each block keeps its extremum (the sample
 * furthest from the window median, so a spike survives the downsampling). The newest `len`
 * block values, scaled into [0, 1] by the envelope of values seen (values within `chomp` of its
 * span from the median are the median: noise is not a shape), are one window. Categories are
 * hyperboxes in that space (fuzzy ART with complement coding): a window resonates with the box
 * that would be smallest after growing to include it, if that box's total width stays within
 * `(1 − ρ)·len` (the vigilance); it then grows (fast commit). A window that resonates with no
 * box needs a new category: a pattern the series has not shown before (or not for a long time:
 * at most `cats` boxes are kept, the least recently used is replaced).
 *
 * Evidence: new categories are needed at a per-series rate r (per block, decaying); a pattern
 * that is new sweeps through the window and needs several in a row, so they come in runs of a
 * mean length m (per series, learnt after the first `warm` blocks, while the boxes fill). The
 * count n of blocks that needed one among the newest `len` is then compound Poisson: about
 * P(N ≥ n/m) with N ~ Poisson(len·r/m). A series that keeps showing new patterns (heavy-tailed
 * noise: each large value sweeps through as a new shape) has a high rate and long runs and is
 * not surprised; a series that settled into a repertoire of shapes is, when a new one appears
 * (spikes that come closer together, a burst pattern that changes).
 */

/** Shape of the ART model (shared by every series of a detector). */
export interface ArtShape {
  /** Samples per block (downsampling). */
  block: number;
  /** Blocks per window (≤ 30). */
  len: number;
  /** Most categories kept (the least recently used is replaced). */
  cats: number;
  /** Vigilance ρ: a box resonates while its total width after growing is ≤ (1 − ρ)·len. */
  rho: number;
  /** A block value within this share of the envelope's span from the median counts as the median. */
  chomp: number;
  /** Half-life, in blocks, of the rate at which new categories are needed. */
  rateHalfLife: number;
  /** Blocks before run lengths are learnt (the boxes are filling: every window is new). */
  warm: number;
  /** Half-life, in runs, of the mean run length. */
  runHalfLife: number;
}

/** 4-sample blocks, 8 per window (the detector's 32-sample window), ARTime's vigilance range and chomp. */
export const DEFAULT_ART: ArtShape = { block: 4, len: 8, cats: 16, rho: 0.95, chomp: 0.075, rateHalfLife: 500, warm: 64, runHalfLife: 50 };

/** Per-series ART state (≈ 0.9 KiB with the defaults: 256 B of uint8 boxes, 40 numbers, the object). */
export class ArtState {
  /**
   * Numbers: the newest `len` block values (a ring), then per category the block it last
   * resonated (for replacing the least recently used), then its total width (a lower bound of
   * its width after growing: boxes at least as wide as the best so far are skipped).
   */
  readonly num: Float64Array;
  /** Where the next block value goes in the ring. */
  pos = 0;
  filled = 0;
  /** The open block: samples in it and its extremum. */
  n = 0;
  ext = 0;
  extDev = -1;
  /**
   * Boxes: [low₀..low_{len−1}, high₀..high_{len−1}] per category, in 1/255 of the [0, 1] feature
   * range (a low rounded down, a high up: a box always contains what it learnt).
   */
  readonly box: Uint8Array;
  /** The box the last window resonated with (searched first: shapes repeat). */
  last = 0;
  count = 0;
  blocks = 0;
  /** Blocks that needed a new category (bit 0: the newest). */
  mask = 0;
  /** Rate (per block) at which a new category is needed, and blocks learnt from. */
  rate = 1;
  seen = 0;
  /** Length of the current run of blocks needing new categories; decaying sum and count of completed runs (prior: one run of 1). */
  run = 0;
  runSum = 1;
  runN = 1;
  constructor(shape: ArtShape) {
    this.num = new Float64Array(shape.len + 2 * shape.cats);
    this.box = new Uint8Array(shape.cats * 2 * shape.len);
  }
  /** Forgets everything learnt (the series starts over). */
  reset(): void {
    this.pos = 0;
    this.filled = 0;
    this.n = 0;
    this.extDev = -1;
    this.box.fill(0);
    this.num.fill(0);
    this.last = 0;
    this.count = 0;
    this.blocks = 0;
    this.mask = 0;
    this.rate = 1;
    this.seen = 0;
    this.run = 0;
    this.runSum = 1;
    this.runN = 1;
  }
  get bytes(): number {
    return 8 * this.num.length + this.box.length + 120;
  }
}

/** Box coordinates are stored in 1/Q of the feature range (uint8). */
const Q = 255;

/** Per-sample constants derived from an {@link ArtShape}. */
export interface ArtParams extends ArtShape {
  margin: number;
  /** Scratch for the window's features (shared by the detector's series: scoring is single-threaded). */
  x: Float64Array;
  rateAlpha: number;
  runKeep: number;
}

export function artParams(shape: ArtShape): ArtParams {
  return {
    ...shape,
    margin: (1 - shape.rho) * shape.len * Q,
    x: new Float64Array(shape.len),
    rateAlpha: 1 - Math.pow(0.5, 1 / shape.rateHalfLife),
    runKeep: Math.pow(0.5, 1 / shape.runHalfLife),
  };
}

/**
 * Feeds one sample. At the end of a block returns ln P of the newest window's novelty (0 when it
 * resonates with a category), then learns it unless `learn` is false (inside an event: judged,
 * not learnt); NaN between block ends. `med` is the window median, `lo`/`hi` the envelope of
 * values seen.
 */
export function artStep(a: ArtState, p: ArtParams, v: number, med: number, lo: number, hi: number, learn: boolean): number {
  const dev = v > med ? v - med : med - v;
  if (dev > a.extDev) {
    a.extDev = dev;
    a.ext = v;
  }
  if (++a.n < p.block) return Number.NaN;
  const L = p.len;
  const num = a.num;
  num[a.pos] = a.ext;
  a.pos = a.pos + 1 === L ? 0 : a.pos + 1;
  a.n = 0;
  a.extDev = -1;
  if (a.filled < L) {
    a.filled++;
    return Number.NaN;
  }
  const span = hi - lo;
  if (!(span > 0)) return Number.NaN;
  const x = p.x;
  const chomp = p.chomp * span;
  for (let i = 0, j = a.pos; i < L; i++) {
    let b = num[j];
    j = j + 1 === L ? 0 : j + 1;
    if (Math.abs(b - med) < chomp) b = med;
    const f = (b - lo) / span;
    x[i] = f < 0 ? 0 : f > 1 ? Q : f * Q;
  }
  a.blocks++;
  // the box that would be smallest after growing to include x
  const box = a.box;
  const U = L; // used
  const W = L + p.cats; // width
  let best = -1;
  let bestW = Number.POSITIVE_INFINITY;
  for (let k = 0, c = a.last; k < a.count; k++, c = c + 1 === a.count ? 0 : c + 1) {
    if (num[W + c] >= bestW) continue;
    const o = c * 2 * L;
    let w = 0;
    for (let i = 0; i < L; i++) {
      const l = box[o + i];
      const h = box[o + L + i];
      const xi = x[i];
      w += (xi > h ? xi : h) - (xi < l ? xi : l);
      if (w >= bestW) break;
    }
    if (w < bestW) {
      bestW = w;
      best = c;
    }
  }
  const isNew = best < 0 || bestW > p.margin;
  a.mask = ((a.mask << 1) | (isNew ? 1 : 0)) & 0x3fffffff;
  const wasRun = a.run;
  a.run = isNew ? a.run + 1 : 0;
  let lnp = 0;
  if (isNew) {
    const m = a.runSum / a.runN > 1 ? a.runSum / a.runN : 1;
    const n = bitCount(a.mask & ((1 << L) - 1)) / m;
    const lambda = (L * a.rate) / m;
    // no more than expected: P ≥ ~0.4, no evidence (and no cost on series that show new shapes all the time)
    if (n > lambda) lnp = poissonLogTailReal(n, lambda);
  }
  if (!learn) return lnp;
  a.seen++;
  // (the prior, rate 1, counts as one block: the rate is never 0)
  a.rate += Math.max(1 / (a.seen + 1), p.rateAlpha) * ((isNew ? 1 : 0) - a.rate);
  if (!isNew && wasRun > 0 && a.blocks > p.warm) {
    a.runSum = a.runSum * p.runKeep + wasRun;
    a.runN = a.runN * p.runKeep + 1;
  }
  if (best >= 0 && bestW <= p.margin) {
    // fast commit: the box grows to include x
    const o = best * 2 * L;
    for (let i = 0; i < L; i++) {
      const xi = x[i];
      if (xi < box[o + i]) box[o + i] = Math.floor(xi);
      if (xi > box[o + L + i]) box[o + L + i] = Math.ceil(xi);
    }
    num[W + best] = bestW;
    num[U + best] = a.blocks;
    a.last = best;
  } else {
    let c = a.count;
    if (c < p.cats) a.count++;
    else {
      c = 0;
      for (let k = 1; k < p.cats; k++) if (num[U + k] < num[U + c]) c = k;
    }
    const o = c * 2 * L;
    for (let i = 0; i < L; i++) {
      box[o + i] = Math.floor(x[i]);
      box[o + L + i] = Math.ceil(x[i]);
    }
    num[W + c] = 0;
    num[U + c] = a.blocks;
    a.last = c;
  }
  return lnp;
}

function bitCount(m: number): number {
  let n = 0;
  while (m) {
    m &= m - 1;
    n++;
  }
  return n;
}

/** ln P(N ≥ x) for N ~ Poisson(λ) and a real x ≥ 0: log-linear between the integers around x. */
export function poissonLogTailReal(x: number, lambda: number): number {
  const lo = Math.floor(x);
  const f = x - lo;
  const a = poissonLogTail(lo, lambda);
  return f === 0 ? a : a + f * (poissonLogTail(lo + 1, lambda) - a);
}

/** ln P(N ≥ n) for N ~ Poisson(λ), integer n. */
export function poissonLogTail(n: number, lambda: number): number {
  if (n <= 0) return 0;
  if (!(lambda > 0)) return Number.NEGATIVE_INFINITY;
  if (lambda >= n) {
    // the complement: 1 − P(N < n)
    let term = Math.exp(-lambda);
    let below = 0;
    for (let k = 0; k < n; k++) {
      below += term;
      term *= lambda / (k + 1);
    }
    return Math.log(Math.max(1e-300, 1 - below));
  }
  // the tail's terms from n on (they fall fast when λ < n)
  let lt = -lambda + n * Math.log(lambda);
  for (let k = 2; k <= n; k++) lt -= Math.log(k);
  let sum = 1;
  let t = 1;
  for (let k = n + 1; k < n + 60; k++) {
    t *= lambda / k;
    sum += t;
    if (t < 1e-12 * sum) break;
  }
  return lt + Math.log(sum);
}
