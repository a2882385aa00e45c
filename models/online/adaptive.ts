import { replaceSorted } from "../features/featurizer.ts";
import { MISSING_SCORE, type ScoringModel, type SeriesState } from "../model.ts";
import { CALIBRATED_THRESHOLD } from "../calibration.ts";
import { DEFAULT_TAIL, TAIL_SIZE, eventDecay, eventLogP, eventRecord, tailLogP, tailUpdate, type TailParams } from "./tail.ts";
import {
  ABS_DIFF_TO_SIGMA,
  AdaptiveState,
  FOLLOW_DAMPING,
  HOUR_MS,
  LEVEL_K,
  MAX_VALUE,
  P_DIP,
  P_DRIFT,
  P_DROP,
  P_LEVEL,
  P_NOVEL,
  P_POINT,
  P_SEASON,
  P_SPREAD,
  STATS,
  STEP_LOG,
  STEP_PEAK,
  STEP_PHASE,
  STEP_PHASE_MS,
  STEP_RATE,
  counterWentDown,
  floorOf,
  medianOf,
  restartAsGauge,
  startState,
  type AdaptiveOptions,
} from "./adaptive-state.ts";
import { DEFAULT_ART, artParams, artStep, type ArtParams } from "./art.ts";
import { DAILY, WEEKLY, newProfile, profileAlpha, profileExpand, profileStat } from "./profile.ts";

export { FOLLOW_DAMPING, type AdaptiveOptions } from "./adaptive-state.ts";

/** Time of day of `t` (ms since midnight UTC). */
function phaseOfDay(t: number): number {
  const p = t % DAILY.periodMs;
  return p < 0 ? p + DAILY.periodMs : p;
}

/** Distance (ms) between the time of day of `t` and `phase`, around the clock. */
function phaseGap(t: number, phase: number): number {
  const d = Math.abs(phaseOfDay(t) - phase);
  return d > DAILY.periodMs / 2 ? DAILY.periodMs - d : d;
}

/**
 * `online:default` — learns each series from its own history, no bundle (README.md beside this
 * file has the whole story). Eight statistics watch every new sample: **point** / **dip**
 * (above / below the median of the last `window` samples), **level** / **drop** (mean of the
 * newest 6 against the median of the older part), **spread** (short- vs long-run mean |Δ|:
 * variance bursts and flatlines), **drift** (the window median against a slow average of it),
 * **novel** (outside the envelope of values seen) and, when timestamps are known, **seasonal**
 * (outside what this time of day / week usually shows); a ninth, **shape** (art.ts; off with
 * `art: false`, `online:lite`), is a fuzzy-ART model of the recent window's shape: a pattern the
 * series has not shown before, judged against how often this series needs a new category. The eight have per-series tail
 * models ({@link tailLogP}) widened by the memory of past events ({@link eventLogP}), the shape
 * its per-series rate of new categories, so each value becomes a tail probability *for this
 * series*; the score is `r / (1 + r)` with
 * `r = ln p / ln p₀`: 0.5 (the threshold) means p = p₀ on every series, whatever its units or
 * noise, and p₀ comes from `alarmsPerDay` and the series' sampling interval.
 *
 * Alarms mark onsets: once a series crosses the threshold it is in an incident; later scores
 * are damped ×{@link FOLLOW_DAMPING} until `calm` calm samples close it, and the tail models do
 * not learn from inside an incident except from its onset. A return to the level the series had
 * before its last alarm is a recovery, not an alarm. Level shifts become the new normal as the
 * window refills (`window` samples), recurring events after a few occurrences.
 */
export class AdaptiveDetector implements ScoringModel {
  readonly kind = "online";
  readonly version = "3";
  readonly threshold = CALIBRATED_THRESHOLD;
  readonly window: number;
  private readonly alarmsPerDay: number;
  private readonly eventHalfLife: number;
  private readonly alpha: number;
  private readonly alphaShort: number;
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
  private readonly novelRange: number;
  private readonly incidentLearn: number;
  private readonly minStatistic: number;
  private readonly onsetSpan: number;
  private readonly art: ArtParams | undefined;

  constructor(
    readonly name = "online:default",
    options: AdaptiveOptions = {},
  ) {
    this.window = options.window ?? 32;
    this.alarmsPerDay = options.alarmsPerDay ?? 0.1;
    this.eventHalfLife = (options.eventHalfLifeDays ?? 3) * 86_400_000;
    this.alpha = 1 - Math.pow(0.5, 1 / (options.halfLife ?? 2400));
    this.alphaShort = 1 - Math.pow(0.5, 1 / 4);
    this.alphaSlow = 1 - Math.pow(0.5, 1 / (this.window * 8));
    this.seasonal = options.seasonal ?? true;
    this.scaleCap = options.scaleCap ?? Number.POSITIVE_INFINITY;
    this.maturity = options.maturity ?? 1000;
    this.recoveryWindow = options.recoveryWindow ?? 2400;
    this.alphaMax = 1 - Math.pow(0.5, 1 / (options.scaleMemory ?? 500));
    this.alphaNovel = 1 - Math.pow(0.5, 1 / (options.novelHalfLife ?? 8000));
    this.learn = options.learn ?? this.window;
    this.calmN = options.calm ?? 8;
    this.tail = { ...DEFAULT_TAIL, ...options.tail };
    this.eventSlope = options.eventSlope ?? 2;
    this.novelRange = options.novelRange ?? 0.2;
    this.incidentLearn = options.incidentLearn ?? 2 * this.window;
    this.minStatistic = options.minStatistic ?? 0.5;
    this.onsetSpan = options.onsetSpan ?? LEVEL_K;
    this.art = options.art !== false ? artParams({ ...DEFAULT_ART, ...options.artShape }) : undefined;
  }

  createState(): AdaptiveState {
    return new AdaptiveState(this.window, this.art);
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
    s.shapeLnP = Number.NaN; // set below when a block ends; stays NaN on a gap, in warm-up, on a reset
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
      if (s.warm.length >= this.window + 2) startState(s, this.window);
      return 0;
    }
    // beyond any metric's range: clamp so differences and sums stay finite (it still scores as huge)
    if (value > MAX_VALUE) value = MAX_VALUE;
    else if (value < -MAX_VALUE) value = -MAX_VALUE;
    let signal = value;
    if (s.counter) {
      signal = value - s.lastRaw;
      s.lastRaw = value;
      // a reset, or the first sample after a gap (its step spans the gap): no rate for this step;
      // a "counter" that keeps going down is a gauge that happened to rise through its warm-up
      if (signal < 0 && counterWentDown(s)) restartAsGauge(s, value);
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
    const wmed = medianOf(sorted); // the window median, now including this sample
    s.fast = wmed;
    s.slow += this.alphaSlow * (wmed - s.slow);
    const gapFS = Math.abs(s.fast - s.slow);
    const drift = gapFS / (s.driftDev + floor);
    s.driftDev += this.alphaSlow * (Math.min(gapFS, 4 * s.driftDev + sigma) - s.driftDev);
    // in units of the noise scale plus a share of the envelope's span: a new maximum a little
    // above the old one is not news on a series whose range is many noise scales wide (spikes)
    const novel = (signal > s.hi ? signal - s.hi : signal < s.lo ? s.lo - signal : 0) / (sigma + this.novelRange * (s.hi - s.lo));
    {
      const mid = (s.hi + s.lo) / 2;
      s.hi = signal > s.hi ? signal : s.hi - this.alphaNovel * (s.hi - mid);
      s.lo = signal < s.lo ? signal : s.lo + this.alphaNovel * (mid - s.lo);
    }
    // the ART context model: ln p of the newest window's shape at each block's end, NaN between
    const art =
      s.art !== undefined ? artStep(s.art, this.art as ArtParams, signal, med, s.lo, s.hi, !s.incident || s.incidentAge >= this.incidentLearn) : Number.NaN;
    s.shapeLnP = art;
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
    // each statistic's tail probability (before learning from this sample), widened by the memory
    // of past events; the rarest counts, ×(statistics looked at)
    let lnp = 0;
    // statistics looked at (the ART model counts as one whether or not a block ended here)
    const lnActive = Math.log(s.art !== undefined ? active + 1 : active);
    for (let c = 0; c < active; c++) {
      const o = c * TAIL_SIZE;
      let l = st[c] < this.minStatistic ? 0 : tailLogP(tails, o, st[c]);
      if (l < lnP0 * 0.5) {
        const e = eventLogP(tails, o, st[c], this.eventSlope);
        if (e > l) l = e;
        if (c === P_LEVEL || c === P_DROP) {
          const k = c === P_LEVEL ? 0 : 1;
          const m = s.steps[STEP_RATE + k] > 0 && st[c] > 0 && Number.isFinite(t) ? phaseGap(t, s.steps[STEP_PHASE + k]) : Number.POSITIVE_INFINITY;
          if (m <= STEP_PHASE_MS) {
            const es = Math.log(s.steps[STEP_RATE + k]) - this.eventSlope * Math.abs(Math.log(st[c]) - s.steps[STEP_LOG + k]);
            if (es > l) l = es;
          }
        }
      }
      s.lnc[c] = l;
      if (l < lnp) lnp = l;
    }
    if (art < lnp) lnp = art;
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
        s.incidentAge = 0;
        // A move back to where the series was before its last alarm is a recovery, not news.
        const since = s.scored - s.baseAt;
        const back = Math.abs(signal - s.baseline);
        if (since <= this.recoveryWindow && back < 0.3 * Math.abs(olderMed - s.baseline)) {
          out = score * FOLLOW_DAMPING;
          s.baseAt = Number.NEGATIVE_INFINITY;
        } else {
          onset = true;
          s.prevBaseline = s.baseline;
          s.prevBaseAt = s.baseAt;
          s.onsetLevel = olderMed;
          s.onsetJump = Math.abs(signal - olderMed);
          s.onsetOpen = true;
          s.steps[STEP_PEAK] = 0;
          s.steps[STEP_PEAK + 1] = 0;
          s.stepAt = Number.isFinite(t) ? phaseOfDay(t) : Number.NaN;
          s.baseline = olderMed;
          s.baseAt = s.scored;
        }
      }
    } else {
      out = score * FOLLOW_DAMPING;
      // the tails do not learn from an event, but an incident that outlasts incidentLearn is the
      // series' new regime: learning from it again lets the incident close
      weight = ++s.incidentAge > this.incidentLearn ? 1 : 0;
      // a step's level / drop reach its size only LEVEL_K samples after it: their peak while rare
      if (s.onsetOpen && s.incidentAge <= this.onsetSpan) {
        if (s.lnc[P_LEVEL] + lnActive <= lnP0 && st[P_LEVEL] > s.steps[STEP_PEAK]) s.steps[STEP_PEAK] = st[P_LEVEL];
        if (s.lnc[P_DROP] + lnActive <= lnP0 && st[P_DROP] > s.steps[STEP_PEAK + 1]) s.steps[STEP_PEAK + 1] = st[P_DROP];
      }
      if (score < this.threshold * 0.5) {
        if (++s.calm >= this.calmN) {
          s.incident = false;
          // A transient (the newest samples are back where the series was before the onset: a
          // spike, a dip) is not a new baseline: a later return to the level before the last
          // persistent change is still a recovery. (The newest samples, not the window median:
          // an incident can close before the window has absorbed a level shift.)
          const step = s.recentSum / LEVEL_K - s.onsetLevel;
          if (s.onsetOpen && Math.abs(step) < 0.3 * s.onsetJump) {
            s.baseline = s.prevBaseline;
            s.baseAt = s.prevBaseAt;
          } else if (s.onsetOpen && !Number.isNaN(s.stepAt)) this.rememberStep(s, step > 0 ? 0 : 1);
          s.onsetOpen = false;
        }
      } else s.calm = 0;
    }
    const tp = this.tail;
    const keep = 1 - s.eventAlpha;
    s.steps[STEP_RATE] *= keep;
    s.steps[STEP_RATE + 1] *= keep;
    for (let c = 0; c < STATS; c++) {
      const o = c * TAIL_SIZE;
      if (c === P_SEASON && Number.isNaN(season)) continue;
      eventDecay(tails, o, keep);
      if (onset && c < active && s.lnc[c] + lnActive <= lnP0) eventRecord(tails, o, st[c], s.eventAlpha);
      tailUpdate(tails, o, st[c], weight, tp, onset);
    }
    return out;
  }

  /**
   * Remembers the step an incident that closed as a step (not a transient) began with: the
   * peak `level` (k = 0, a step up) or `drop` (k = 1) reached while rare in its first
   * `onsetSpan` samples, at the time of day of its onset.
   */
  private rememberStep(s: AdaptiveState, k: number): void {
    const peak = s.steps[STEP_PEAK + k];
    if (!(peak > 0)) return;
    const first = !(s.steps[STEP_RATE + k] > 0);
    s.steps[STEP_RATE + k] += s.eventAlpha;
    s.steps[STEP_LOG + k] = first ? Math.log(peak) : s.steps[STEP_LOG + k] + 0.3 * (Math.log(peak) - s.steps[STEP_LOG + k]);
    s.steps[STEP_PHASE + k] = s.stepAt;
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
