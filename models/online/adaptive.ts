import { looksLikeCounter, replaceSorted } from "../features/featurizer.ts";
import { MISSING_SCORE, type ScoringModel, type SeriesState } from "../model.ts";
import { CALIBRATED_THRESHOLD } from "../calibration.ts";
import { DEFAULT_TAIL, TAIL_SIZE, eventDecay, eventLogP, eventRecord, tailInit, tailLogP, tailUpdate, type TailParams } from "./tail.ts";
import { DAILY, WEEKLY, newProfile, profileAlpha, profileExpand, profileStat } from "./profile.ts";

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
  /** Half-life, in samples, of the noise scale (default 240). */
  halfLife?: number;
  /** Daily and weekly profiles when timestamps are given (default true). */
  seasonal?: boolean;
  /** Samples after warm-up during which the models fit and nothing alarms (default = window). */
  learn?: number;
  /** Consecutive calm samples that end an incident (default 8). */
  calm?: number;
  tail?: Partial<TailParams>;
  /** Samples until the alarm bar is at its final level; before that a series needs stronger evidence (default 1000). */
  maturity?: number;
  /** A step counts at most this many noise scales in the noise scale's average (default 4). */
  scaleCap?: number;
  /** Half-life, in samples, of the slowly decaying maximum of the noise scale (default 2000). */
  scaleMemory?: number;
  /** Half-life, in samples, of the envelope of values seen (the novelty statistic; default 2000). */
  novelHalfLife?: number;
  /** How fast the event memory stops explaining a value as its magnitude departs from past events' (per e-fold; default 2). */
  eventSlope?: number;
}

/** E|Δ| of i.i.d. N(0, σ²) noise is 2σ/√π. */
const ABS_DIFF_TO_SIGMA = 2 / Math.sqrt(Math.PI);
const HOUR_MS = 3_600_000;
/** Values are clamped to ±this so that no difference, sum or ratio overflows. */
const MAX_VALUE = 1e150;
/** Samples in the "recent" part of the level statistic. */
const LEVEL_K = 6;
/** Scores inside an open incident (after its onset) and of a gap's continuation are multiplied by this. */
export const FOLLOW_DAMPING = 0.25;

const P_POINT = 0;
const P_LEVEL = 1;
const P_SPREAD = 2;
const P_DRIFT = 3;
const P_NOVEL = 4;
const P_DIP = 5;
const P_DROP = 6;
const P_SEASON = 7;
const STATS = 8;
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

class AdaptiveState implements SeriesState {
  readonly ring: Float64Array;
  readonly sorted: Float64Array;
  readonly older: Float64Array;
  readonly tails = new Float64Array(STATS * TAIL_SIZE);
  pos = 0;
  warm: number[] | undefined = [];
  counter = false;
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
  /** Level before the last incident's onset, and when (in scored samples) it began. */
  baseline = 0;
  baseAt = Number.NEGATIVE_INFINITY;
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
  readonly stat = new Float64Array(STATS);
  constructor(w: number) {
    this.ring = new Float64Array(w);
    this.sorted = new Float64Array(w);
    this.older = new Float64Array(w - LEVEL_K);
    for (let i = 0; i < STATS; i++) tailInit(this.tails, i * TAIL_SIZE, PRIORS[i][0], PRIORS[i][1]);
  }
  get bytes(): number {
    const w = this.ring.length;
    return 8 * (3 * w - LEVEL_K + STATS * TAIL_SIZE) + 8 * 20 + 200 + (this.daily ? this.daily.length * 4 : 0) + (this.weekly ? this.weekly.length * 4 : 0);
  }
}

/**
 * `online:default` — learns each series from its own history, no bundle. Five statistics watch
 * every new sample: **point** (distance from the median of the last `window` samples), **level**
 * (mean of the newest 6 against the median of the older part), **spread** (short- vs long-run
 * mean |Δ|: variance bursts and flatlines), **drift** (fast vs slow moving average: changes too
 * slow for the window) and, when timestamps are known, **seasonal** (distance from what this
 * time of day / week usually shows). Each statistic has its own per-series tail model
 * ({@link tailLogP}) so its value becomes a tail probability *for this series*; the score is
 * that probability on a log scale, `ln p / (2 ln p₀)` clipped to [0, 1]: 0.5 (the threshold)
 * means p = p₀ on every series, whatever its units or noise.
 *
 * Alarms mark onsets: once a series crosses the threshold it is in an incident; later scores
 * are damped ×{@link FOLLOW_DAMPING} until `calm` calm samples close it, and the tail models do
 * not learn from inside an incident except from its onset, which widens the tail a little — so a
 * recurring event (a new periodic spike) stops alarming after a few occurrences. Level shifts
 * become the new normal as the window refills (`window` samples), variance changes as the noise
 * scale follows (`halfLife`).
 */
export class AdaptiveDetector implements ScoringModel {
  readonly kind = "online";
  readonly version = "2";
  readonly threshold = CALIBRATED_THRESHOLD;
  readonly window: number;
  private readonly alarmsPerDay: number;
  private readonly eventHalfLife: number;
  private readonly alpha: number;
  private readonly alphaShort: number;
  private readonly alphaFast: number;
  private readonly alphaSlow: number;
  private readonly alphaNovel: number;
  private readonly alphaMax: number;
  private readonly scaleCap: number;
  private readonly maturity: number;
  private readonly recoveryWindow: number;
  private readonly seasonal: boolean;
  private readonly learn: number;
  private readonly calmN: number;
  private readonly tail: TailParams;
  private readonly eventSlope: number;

  constructor(
    readonly name = "online:default",
    options: AdaptiveOptions = {},
  ) {
    this.window = options.window ?? 32;
    this.alarmsPerDay = options.alarmsPerDay ?? 0.1;
    this.eventHalfLife = (options.eventHalfLifeDays ?? 3) * 86_400_000;
    this.alpha = 1 - Math.pow(0.5, 1 / (options.halfLife ?? 2400));
    this.alphaShort = 1 - Math.pow(0.5, 1 / 4);
    this.alphaFast = 1 - Math.pow(0.5, 1 / (this.window / 4));
    this.alphaSlow = 1 - Math.pow(0.5, 1 / (this.window * 8));
    this.seasonal = options.seasonal ?? true;
    this.scaleCap = options.scaleCap ?? Number.POSITIVE_INFINITY;
    this.maturity = options.maturity ?? 1000;
    this.recoveryWindow = 20 * this.window;
    this.alphaMax = 1 - Math.pow(0.5, 1 / (options.scaleMemory ?? 500));
    this.alphaNovel = 1 - Math.pow(0.5, 1 / (options.novelHalfLife ?? 8000));
    this.learn = options.learn ?? this.window;
    this.calmN = options.calm ?? 8;
    this.tail = { ...DEFAULT_TAIL, ...options.tail };
    this.eventSlope = options.eventSlope ?? 2;
  }

  createState(): AdaptiveState {
    return new AdaptiveState(this.window);
  }

  private start(s: AdaptiveState): void {
    const raw = s.warm as number[];
    const w = this.window;
    s.counter = looksLikeCounter(raw);
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

  /** Re-derives ln p₀ and the event-memory weight from the series' sampling interval. */
  private refresh(s: AdaptiveState): void {
    const step = s.step > 0 ? s.step : 60_000;
    const p0 = Math.min(0.01, (this.alarmsPerDay * step) / 86_400_000);
    s.lnP0 = Math.log(p0);
    s.eventAlpha = 1 - Math.pow(0.5, step / this.eventHalfLife);
    s.alphaDaily = profileAlpha(DAILY, step);
    s.alphaWeekly = profileAlpha(WEEKLY, step);
    s.expandDaily = profileExpand(DAILY, step);
    s.expandWeekly = profileExpand(WEEKLY, step);
  }

  /** Scores one sample of one series (`t` in ms, NaN when unknown). */
  scoreOne(s: AdaptiveState, value: number, t: number): number {
    if (!Number.isFinite(value)) {
      if (s.warm !== undefined && s.warm.length === 0) return 0; // nothing seen yet: nothing is missing
      const first = !s.gap;
      s.gap = true;
      return first ? MISSING_SCORE : MISSING_SCORE * FOLLOW_DAMPING;
    }
    const resumed = s.gap;
    s.gap = false;
    if (Number.isFinite(t)) {
      if (Number.isFinite(s.lastT) && t > s.lastT) {
        const dt = t - s.lastT;
        s.step = s.step === 0 ? dt : s.step + 0.05 * (dt - s.step);
      }
      if (Number.isNaN(s.first)) s.first = t;
      s.lastT = t;
    }
    if (s.warm !== undefined) {
      s.warm.push(value);
      if (s.warm.length >= this.window + 2) this.start(s);
      return 0;
    }
    // beyond any metric's range: clamp so differences and sums stay finite (it still scores as huge)
    if (value > MAX_VALUE) value = MAX_VALUE;
    else if (value < -MAX_VALUE) value = -MAX_VALUE;
    let signal = value;
    if (s.counter) {
      signal = value - s.lastRaw;
      s.lastRaw = value;
      // a reset, or the first sample after a gap (its step spans the gap): no rate for this step
      if (signal < 0 || resumed) return 0;
    }
    const w = this.window;
    const ring = s.ring;
    const sorted = s.sorted;
    const med = medianOf(sorted);
    const floor = floorOf(sorted);
    const scale = s.scale > floor ? s.scale : floor;
    const sigma = (s.scaleMax > scale ? s.scaleMax : scale) / ABS_DIFF_TO_SIGMA;
    const prev = ring[s.pos === 0 ? w - 1 : s.pos - 1];
    const pointSigned = (signal - med) / sigma;
    // slide the window
    const leaving = ring[s.pos];
    replaceSorted(sorted, w, leaving, signal);
    let j = s.pos + w - LEVEL_K;
    if (j >= w) j -= w;
    const entering = ring[j]; // moves from the recent part into the older part
    replaceSorted(s.older, w - LEVEL_K, leaving, entering);
    s.recentSum += signal - entering;
    ring[s.pos] = signal;
    s.pos = s.pos + 1 === w ? 0 : s.pos + 1;
    const no = w - LEVEL_K;
    const olderMed = no & 1 ? s.older[no >> 1] : (s.older[(no >> 1) - 1] + s.older[no >> 1]) / 2;
    const levelSigned = (s.recentSum / LEVEL_K - olderMed) / sigma;
    const d = Math.abs(signal - prev);
    s.short += this.alphaShort * (Math.min(d, 10 * scale) - s.short);
    const spread = Math.abs(Math.log((s.short + floor) / (scale + floor)));
    const wmed = medianOf(sorted);
    s.fast = wmed;
    s.slow += this.alphaSlow * (wmed - s.slow);
    const gapFS = Math.abs(s.fast - s.slow);
    const drift = gapFS / (s.driftDev + floor);
    s.driftDev += this.alphaSlow * (Math.min(gapFS, 4 * s.driftDev + sigma) - s.driftDev);
    const novel = (signal > s.hi ? signal - s.hi : signal < s.lo ? s.lo - signal : 0) / sigma;
    {
      const mid = (s.hi + s.lo) / 2;
      s.hi = signal > s.hi ? signal : s.hi - this.alphaNovel * (s.hi - mid);
      s.lo = signal < s.lo ? signal : s.lo + this.alphaNovel * (mid - s.lo);
    }
    let season = Number.NaN;
    if (this.seasonal && Number.isFinite(t) && s.step > 0 && s.step * 4 <= DAILY.periodMs / DAILY.bins) {
      // profiles are allocated once there is history to fill them (a daily one after an hour,
      // a weekly one after a day), so short-lived series cost no profile memory
      const age = t - s.first;
      if (s.daily === undefined && age >= HOUR_MS) {
        s.daily = newProfile(DAILY);
        s.dailyFrom = t;
      }
      if (s.weekly === undefined && age >= DAILY.periodMs) {
        s.weekly = newProfile(WEEKLY);
        s.weeklyFrom = t;
      }
      const a = s.daily ? profileStat(s.daily, DAILY, t, s.dailyFrom, s.alphaDaily, signal, sigma, s.expandDaily) : Number.NaN;
      const b = s.weekly ? profileStat(s.weekly, WEEKLY, t, s.weeklyFrom, s.alphaWeekly, signal, sigma, s.expandWeekly) : Number.NaN;
      season = Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b);
    }
    s.scale += this.alpha * (Math.min(d, this.scaleCap * scale) - s.scale);
    if (s.scale < floor) s.scale = floor;
    s.scaleMax = s.scale > s.scaleMax ? s.scale : s.scaleMax + this.alphaMax * (s.scale - s.scaleMax);

    if ((s.scored & 63) === 0) this.refresh(s);
    const st = s.stat;
    st[P_POINT] = pointSigned > 0 ? pointSigned : 0;
    st[P_DIP] = pointSigned < 0 ? -pointSigned : 0;
    st[P_LEVEL] = levelSigned > 0 ? levelSigned : 0;
    st[P_DROP] = levelSigned < 0 ? -levelSigned : 0;
    st[P_SPREAD] = spread;
    st[P_DRIFT] = drift;
    st[P_NOVEL] = novel;
    st[P_SEASON] = season;
    const useSeason = !Number.isNaN(season) && s.seasonScored++ >= this.learn * 4;
    const active = useSeason ? STATS : STATS - 1;
    const tails = s.tails;
    const lnP0 = s.lnP0;
    // tail probability of each statistic, before learning from this sample
    // each statistic's tail probability, widened by the memory of past events; the rarest counts
    let lnp = 0;
    const lnActive = Math.log(active);
    for (let c = 0; c < active; c++) {
      const o = c * TAIL_SIZE;
      let l = tailLogP(tails, o, st[c]);
      if (l < lnP0 * 0.5) {
        const e = eventLogP(tails, o, st[c], this.eventSlope);
        if (e > l) l = e;
      }
      s.lnc[c] = l;
      if (l < lnp) lnp = l;
    }
    lnp += lnActive;
    // young models need stronger evidence: the bar relaxes as √(experience / maturity)
    const young = s.scored < this.maturity ? Math.sqrt(this.maturity / (s.scored + 1)) : 1;
    const r = lnp < 0 ? lnp / (lnP0 * young) : 0;
    const score = r / (1 + r);

    let out = score;
    let weight = 1;
    let onset = false;
    s.scored++;
    if (s.scored <= this.learn) out = score * FOLLOW_DAMPING;
    else if (!s.incident) {
      if (score >= this.threshold) {
        s.incident = true;
        s.calm = 0;
        // A move back to where the series was before its last alarm is a recovery, not news.
        const since = s.scored - s.baseAt;
        const back = Math.abs(signal - s.baseline);
        if (since <= this.recoveryWindow && back < 0.3 * Math.abs(olderMed - s.baseline)) {
          out = score * FOLLOW_DAMPING;
          s.baseAt = Number.NEGATIVE_INFINITY;
        } else {
          onset = true;
          s.baseline = olderMed;
          s.baseAt = s.scored;
        }
      }
    } else {
      out = score * FOLLOW_DAMPING;
      weight = 0;
      if (score < this.threshold * 0.5) {
        if (++s.calm >= this.calmN) s.incident = false;
      } else s.calm = 0;
    }
    const tp = this.tail;
    const keep = 1 - s.eventAlpha;
    for (let c = 0; c < STATS; c++) {
      const o = c * TAIL_SIZE;
      if (c === P_SEASON && Number.isNaN(season)) continue;
      eventDecay(tails, o, keep);
      if (onset && c < active && s.lnc[c] + lnActive <= lnP0) eventRecord(tails, o, st[c], s.eventAlpha);
      tailUpdate(tails, o, st[c], weight, tp, onset);
    }
    return out;
  }

  async scoreSeries(series: readonly Float64Array[], timestamps?: readonly Float64Array[]): Promise<Float32Array[]> {
    return series.map((values, si) => {
      const state = this.createState();
      const ts = timestamps?.[si];
      const out = new Float32Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = this.scoreOne(state, values[i], ts ? ts[i] : Number.NaN);
      return out;
    });
  }

  /** Series of the last {@link scoreTick} scored past their warm-up (not a gap). */
  lastTickScored = 0;

  async scoreTick(states: readonly SeriesState[], values: ArrayLike<number>, timestampMs = Number.NaN): Promise<Float32Array> {
    const out = new Float32Array(states.length);
    let scored = 0;
    for (let i = 0; i < states.length; i++) {
      const s = states[i] as AdaptiveState;
      out[i] = this.scoreOne(s, values[i], timestampMs);
      if (s.warm === undefined && Number.isFinite(values[i])) scored++;
    }
    this.lastTickScored = scored;
    return out;
  }

  dispose(): void {}
}

function medianOf(sorted: Float64Array): number {
  const n = sorted.length;
  const h = n >>> 1;
  return n & 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/** Smallest noise scale: 1e-4 of the window's typical magnitude (so a constant series has one). */
function floorOf(sorted: Float64Array): number {
  const n = sorted.length;
  return 1e-9 + 1e-4 * Math.max(Math.abs(sorted[0]), Math.abs(sorted[n - 1]));
}
