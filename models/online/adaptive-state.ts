/**
 * Per-series state of {@link AdaptiveDetector} (`adaptive.ts`) and the constants its scoring
 * shares with it: which statistic sits where, their priors, the window helpers.
 */
import type { SeriesState } from "../model.ts";
import { looksLikeCounter } from "../features/featurizer.ts";
import { TAIL_SIZE, tailInit, type TailParams } from "./tail.ts";
import { ArtState, type ArtShape } from "./art.ts";

/** Options of {@link AdaptiveDetector}. */
export interface AdaptiveOptions {
  /** Samples in the short window (default 32). */
  window?: number;
  /**
   * Alarms per series per day at the threshold on a series that behaves as it always has
   * (default 0.1). Turned into a per-sample tail probability with the series' own sampling
   * interval (from timestamps); without timestamps one sample per minute is assumed.
   */
  alarmsPerDay?: number;
  /** Half-life of the memory of past alarms, in days (default 3). */
  eventHalfLifeDays?: number;
  /** Half-life, in samples, of the noise scale (default 2400). */
  halfLife?: number;
  /** Daily and weekly profiles when timestamps are given (default true). */
  seasonal?: boolean;
  /** Samples after warm-up during which the models fit and nothing alarms (default = window). */
  learn?: number;
  /** Consecutive calm samples that end an incident (default 8). */
  calm?: number;
  /** Tuning of the per-statistic tail models (see {@link DEFAULT_TAIL} in tail.ts). */
  tail?: Partial<TailParams>;
  /** Samples until the alarm bar is at its final level; before that a series needs stronger evidence (default 1000). */
  maturity?: number;
  /** A step counts at most this many noise scales in the noise scale's average (default: no cap). */
  scaleCap?: number;
  /** Half-life, in samples, of the slowly decaying maximum of the noise scale (default 500). */
  scaleMemory?: number;
  /** Half-life, in samples, of the envelope of values seen (the novelty statistic; default 8000). */
  novelHalfLife?: number;
  /**
   * Scored samples after a persistent change during which a move back to the level before it is
   * a recovery, not an alarm (default 2400, the noise scale's half-life: as long as the
   * detector's long memory still holds the old regime).
   */
  recoveryWindow?: number;
  /** How fast the event memory stops explaining a value as its magnitude departs from past events' (per e-fold; default 2). */
  eventSlope?: number;
  /** Share of the envelope's span (max − min seen) added to the noise scale in the novelty statistic's unit (default 0.2). */
  novelRange?: number;
  /**
   * Samples an incident stays open before the tail models learn from inside it again (default
   * 2 × window). An incident that lasts longer is a new regime, not an event: learning from it
   * lets the scores fall and the incident close, so a persistent change cannot blind the series.
   */
  incidentLearn?: number;
  /**
   * A statistic below this (in its own unit: noise scales, or |ln| of a ratio for spread) is no
   * evidence whatever its tail model says (default 0.5). A statistic that is almost always
   * exactly 0 (the novelty of a square wave, the dip of a 0/1 flag) fits a tail so narrow that a
   * hair above 0 would otherwise look rare.
   */
  minStatistic?: number;
  /**
   * Samples after an incident's onset over which a step's lagging statistics are watched for the
   * daily step memory (default {@link LEVEL_K}, their lag; 0 = off). `level` / `drop` reach a
   * step's full size only {@link LEVEL_K} samples after it, inside the incident its onset opened,
   * so they are kept out of both the tails and the event memory, and the same step the next day
   * alarms on them (the edge of a daily pattern, before the seasonal envelopes speak after 2
   * days). The peak `level` (step up) or `drop` (step down) reaches while rare within this span is
   * remembered when the incident closes as a step (the series not back at its pre-onset level:
   * not a spike or a dip), with the time of day of the onset, and explains a later value of its
   * size (as the event memory does) only within {@link STEP_PHASE_MS} of that time of day: a step
   * at another hour (a level shift, then a drift the same way) is still news.
   */
  onsetSpan?: number;
  /**
   * The ART context model of recent shapes (art.ts) as a ninth statistic (default true; false in
   * `online:lite`): a pattern the series has not shown before, judged against how often this
   * series needs a new category.
   */
  art?: boolean;
  /** Shape of the ART model (see {@link DEFAULT_ART} in art.ts). */
  artShape?: Partial<ArtShape>;
}

/** E|Δ| of i.i.d. N(0, σ²) noise is 2σ/√π. */
export const ABS_DIFF_TO_SIGMA = 2 / Math.sqrt(Math.PI);
export const HOUR_MS = 3_600_000;
/** Values are clamped to ±this so that no difference, sum or ratio overflows. */
export const MAX_VALUE = 1e150;
/** Samples in the "recent" part of the level statistic. */
export const LEVEL_K = 6;
/**
 * How far from the time of day of a remembered step (see {@link AdaptiveOptions.onsetSpan}) a
 * value of its size is explained by it: 2 hours. It must cover the time the lagging statistics
 * stay high after the edge (up to a window, 2.7 h at 5-minute samples: 1 hour keeps the nab-dev
 * art_daily FPs); on generated multi-day data 4 hours and more start to explain real events.
 */
export const STEP_PHASE_MS = 2 * 3_600_000;
/** Scores inside an open incident (after its onset) and of a gap's continuation are multiplied by this. */
export const FOLLOW_DAMPING = 0.25;

export const P_POINT = 0;
export const P_LEVEL = 1;
export const P_SPREAD = 2;
export const P_DRIFT = 3;
export const P_NOVEL = 4;
export const P_DIP = 5;
export const P_DROP = 6;
export const P_SEASON = 7;
export const STATS = 8;
/** Priors (u, β) of each statistic's tail, about what Gaussian noise gives. */
const PRIORS: [number, number][] = [
  [1.7, 0.5],
  [0.8, 0.25],
  [0.6, 0.3],
  [1.7, 0.5],
  [0.5, 0.5],
  [1.7, 0.5],
  [0.8, 0.25],
  [1.7, 0.5],
];

/** Offsets in {@link AdaptiveState.steps}. */
export const STEP_PEAK = 0;
export const STEP_RATE = 2;
export const STEP_LOG = 4;
export const STEP_PHASE = 6;

/** What one series carries between samples (≈ 2.9 KiB with the ART model, ≈ 2 KiB without it in `online:lite`, plus seasonal envelopes once it has history). */
export class AdaptiveState implements SeriesState {
  readonly ring: Float64Array;
  readonly sorted: Float64Array;
  readonly older: Float64Array;
  readonly tails = new Float64Array(STATS * TAIL_SIZE);
  pos = 0;
  warm: number[] | undefined = [];
  counter = false;
  /** Decreases seen while scored as a counter (each one a reset), since {@link resetsFrom}. */
  resets = 0;
  resetsFrom = 0;
  /** Set once a "counter" went down too often: it is a gauge that rose through its warm-up. */
  gauge = false;
  lastRaw = Number.NaN;
  recentSum = 0;
  scale = 0;
  /** Slowly decaying maximum of {@link scale}: the noise scale the statistics are measured in. */
  scaleMax = 0;
  short = 0;
  fast = 0;
  slow = 0;
  driftDev = 0;
  hi = 0;
  lo = 0;
  scored = 0;
  incident = false;
  calm = 0;
  /** Samples since the open incident's onset. */
  incidentAge = 0;
  /** Level before the last incident's onset, and when (in scored samples) it began. */
  baseline = 0;
  baseAt = Number.NEGATIVE_INFINITY;
  /** The baseline an open incident replaced, restored if the incident proves a transient. */
  prevBaseline = 0;
  prevBaseAt = Number.NEGATIVE_INFINITY;
  /** Level before, and size of, the open incident's onset (0 after a recovery). */
  onsetLevel = 0;
  onsetJump = 0;
  onsetOpen = false;
  gap = false;
  first = Number.NaN;
  lastT = Number.NaN;
  step = 0;
  daily: Float32Array | undefined;
  weekly: Float32Array | undefined;
  dailyFrom = 0;
  weeklyFrom = 0;
  alphaDaily = 0;
  alphaWeekly = 0;
  expandDaily = 1;
  expandWeekly = 1;
  seasonScored = 0;
  /** Cached from the sampling interval: ln p₀, and the per-sample weight of the event memory. */
  lnP0 = 0;
  eventAlpha = 0;
  /** ln p of each statistic at the last sample (with the event memory). */
  readonly lnc = new Float64Array(STATS);
  /** ln p of the shape statistic at the last sample (NaN between block ends, or without the ART model). */
  shapeLnP = Number.NaN;
  readonly stat = new Float64Array(STATS);
  /**
   * The daily step memory of `level` and `drop` (k = 0 and 1; see
   * {@link AdaptiveOptions.onsetSpan}), one array (a typed array costs ≈ 40 B of its own per
   * series): at {@link STEP_PEAK} + k their peak while rare in the open incident's first samples,
   * then per statistic the decaying rate of remembered steps ({@link STEP_RATE} + k), the EWMA of
   * their ln size ({@link STEP_LOG} + k) and the time of day (ms since midnight UTC) of the last
   * one ({@link STEP_PHASE} + k).
   */
  readonly steps = new Float64Array(8);
  /** Time of day of the open incident's onset (NaN without timestamps). */
  stepAt = Number.NaN;
  /** The ART context model (art.ts), unless turned off. */
  readonly art: ArtState | undefined;
  constructor(w: number, art?: ArtShape) {
    if (art) this.art = new ArtState(art);
    this.ring = new Float64Array(w);
    this.sorted = new Float64Array(w);
    this.older = new Float64Array(w - LEVEL_K);
    for (let i = 0; i < STATS; i++) tailInit(this.tails, i * TAIL_SIZE, PRIORS[i][0], PRIORS[i][1]);
  }
  get bytes(): number {
    const w = this.ring.length;
    return (
      8 * (3 * w - LEVEL_K + STATS * TAIL_SIZE) +
      8 * 25 +
      8 * 8 +
      200 +
      (this.daily ? this.daily.length * 4 : 0) +
      (this.weekly ? this.weekly.length * 4 : 0) +
      (this.art ? this.art.bytes : 0)
    );
  }
}

/**
 * Decreases within {@link COUNTER_RESET_SPAN} samples after which a series taken for a counter
 * (it only rose during its warm-up) is a gauge after all: a real counter goes down only when it
 * resets (a restart), rarely.
 */
export const COUNTER_RESETS = 3;
export const COUNTER_RESET_SPAN = 1000;

/** Counts a decrease of a counter; true when the series should be started over as a gauge. */
export function counterWentDown(s: AdaptiveState): boolean {
  if (s.scored - s.resetsFrom > COUNTER_RESET_SPAN) {
    s.resets = 0;
    s.resetsFrom = s.scored;
  }
  return ++s.resets >= COUNTER_RESETS;
}

/**
 * Starts a series over as a gauge, from `value`: a fresh warm-up, tails, ART model, seasonal envelopes and
 * incident state (all of them were learnt on the per-step increases of a supposed counter).
 */
export function restartAsGauge(s: AdaptiveState, value: number): void {
  // a fresh state (so no field is forgotten), keeping the ART model's buffers and what the
  // timestamps have taught about the sampling interval
  const art = s.art;
  art?.reset();
  Object.assign(s, new AdaptiveState(s.ring.length), { art, gauge: true, warm: [value], step: s.step, lastT: s.lastT });
}

/** Median of an ascending array. */
export function medianOf(sorted: Float64Array): number {
  const n = sorted.length;
  const h = n >>> 1;
  return n & 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/** Smallest noise scale: 1e-4 of the window's typical magnitude (so a constant series has one). */
export function floorOf(sorted: Float64Array): number {
  const n = sorted.length;
  return 1e-9 + 1e-4 * Math.max(Math.abs(sorted[0]), Math.abs(sorted[n - 1]));
}

/** Ends the warm-up: decides counter or gauge and fills the window from the warm-up samples. */
export function startState(s: AdaptiveState, w: number): void {
  const raw = s.warm as number[];
  s.counter = !s.gauge && looksLikeCounter(raw);
  const signal = s.counter ? raw.slice(1).map((v, i) => v - raw[i]) : raw.slice(1);
  const last = signal.slice(-w);
  s.ring.set(last);
  s.sorted.set(last);
  s.sorted.sort();
  const older = last.slice(0, w - LEVEL_K).sort((a, b) => a - b);
  s.older.set(older);
  s.recentSum = last.slice(w - LEVEL_K).reduce((a, b) => a + b, 0);
  let sum = 0;
  for (let i = 1; i < signal.length; i++) sum += Math.abs(signal[i] - signal[i - 1]);
  s.scale = Math.max(sum / (signal.length - 1), floorOf(s.sorted));
  s.short = s.scale;
  s.scaleMax = s.scale;
  const med = medianOf(s.sorted);
  s.fast = med;
  s.slow = med;
  s.driftDev = s.scale;
  s.hi = s.sorted[w - 1];
  s.lo = s.sorted[0];
  s.lastRaw = raw[raw.length - 1];
  s.warm = undefined;
}
