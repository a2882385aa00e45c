/**
 * Shadow scoring: a candidate model scores the same points as the live one, each round, with
 * its own per-series state and anomaly-event tracker. Its scores never reach a record; what is
 * kept is how it compares: the share of points where both models are on the same side of their
 * thresholds, the share of alarm onsets the other model matched, and both flag rates.
 *
 * Cost: one more batched model call per round, over all series or a `share` of them (picked by a
 * hash of the series key, so the same series every round and after a restart). A round that started scoring more than
 * `lateMs` after it was collected (it waited behind slower rounds) is not shadow-scored
 * (`agent_shadow_skipped_rounds_total{reason="late"}`); a shadow model that throws skips its
 * round (`reason="error"`), never the live scoring.
 * @module
 */
import type { ScoringModel, SeriesState } from "../../models/model.ts";
import type { ShadowMetrics } from "../telemetry/scoring-metrics.ts";
import { HysteresisTracker } from "./hysteresis.ts";

/** A series' shadow state, kept on the scorer's series entry. */
export interface ShadowSeries {
  /** Undefined for a series left out by `share`. */
  state: SeriesState | undefined;
  tracker: HysteresisTracker;
  /** The {@link Shadow} generation it belongs to (a new shadow model starts over). */
  gen: number;
}

/** What the scorer hands the shadow for one round (index i: the same point everywhere). */
export interface ShadowRound {
  /** The scorer's series entries (`key`: the series identity, which `share` picks by). */
  holders: { key: string; shadow?: ShadowSeries }[];
  values: Float64Array;
  n: number;
  timestampMs: number;
  liveScores: ArrayLike<number>;
  liveThreshold: number;
  /** 1 where the live tracker opened an event this round. */
  liveOnsets: Uint8Array;
  /** Whether the live tracker of point i is in an open event (after this round). */
  liveOpen: (i: number) => boolean;
  /** How late the round started scoring, ms after it was collected. */
  lateMs: number;
}

/** `/status` `shadow` and the heartbeat's. */
export interface ShadowStatus {
  model: { name: string; version: string; threshold: number };
  /** Points both models scored. */
  points: number;
  /** Share of points on the same side of both thresholds (null before any point). */
  agreement: number | null;
  /** Share of alarm onsets (live and shadow) the other model matched (null before any onset). */
  onset_agreement: number | null;
  /** Flagged share of points, shadow and live. */
  flag_rate: number | null;
  live_flag_rate: number | null;
  /** Alarm onsets per scored point (×86 400 = per series-day at 1 Hz), shadow and live. */
  alarm_rate: number | null;
  live_alarm_rate: number | null;
  onsets: { live: number; shadow: number; matched_live: number; matched_shadow: number };
  skipped: { late: number; error: number };
}

/** Tuning of a {@link Shadow}. */
export interface ShadowOptions {
  /** Consecutive points at or above the threshold before an event opens (as the live model's). */
  minPoints: number;
  /** A round scoring later than this after its collection is not shadow-scored (default 1000 ms). */
  lateMs?: number;
  /** Share of the series the shadow scores, picked by a hash of the series key (default 1: all). */
  share?: number;
}

/**
 * The shadow model and its comparison counts (since the shadow model was set).
 *
 * @example
 * const shadow = new Shadow(candidate, telemetry.shadow, { minPoints: 1 });
 * await shadow.round({ holders, values, n, timestampMs, liveScores, liveThreshold, liveOnsets, liveOpen, lateMs });
 * shadow.status().agreement; // 0.998
 */
export class Shadow {
  private gen = 0;
  private c = { points: 0, agree: 0, liveFlag: 0, shadowFlag: 0, liveOnsets: 0, shadowOnsets: 0, matchedLive: 0, matchedShadow: 0, late: 0, error: 0 };

  constructor(
    private model: ScoringModel,
    private readonly metrics: ShadowMetrics,
    private readonly o: ShadowOptions,
  ) {
    metrics.info.set({ name: model.name, version: model.version }, 1);
  }

  /** The shadow model. */
  get current(): ScoringModel {
    return this.model;
  }

  /** Scores one round with the shadow model and counts how it compares; never throws. */
  async round(r: ShadowRound): Promise<void> {
    const m = this.metrics;
    if (r.lateMs > (this.o.lateMs ?? 1000)) {
      this.c.late++;
      m.skipped.inc({ reason: "late" });
      return;
    }
    const model = this.model;
    const states: SeriesState[] = [];
    const series: ShadowSeries[] = [];
    const idx: number[] = [];
    for (let i = 0; i < r.n; i++) {
      const h = r.holders[i];
      let s = h.shadow;
      if (s === undefined || s.gen !== this.gen) h.shadow = s = this.newSeries(h.key);
      if (s.state === undefined) continue;
      idx.push(i);
      series.push(s);
      states.push(s.state);
    }
    if (idx.length === 0) return;
    const values = idx.length === r.values.length ? r.values : Float64Array.from(idx, (i) => r.values[i]);
    let scores: Float32Array;
    try {
      scores = await model.scoreTick(states, values, r.timestampMs);
    } catch {
      this.c.error++;
      m.skipped.inc({ reason: "error" });
      return;
    }
    if (model !== this.model) return; // replaced meanwhile: these counts belong to no one
    const thr = model.threshold;
    let agree = 0;
    let liveFlag = 0;
    let shadowFlag = 0;
    for (let j = 0; j < idx.length; j++) {
      const i = idx[j];
      const sc = Number.isFinite(scores[j]) ? scores[j] : 1; // as the live scorer: a non-finite score flags
      const live = r.liveScores[i] >= r.liveThreshold;
      const sh = sc >= thr;
      if (live === sh) agree++;
      if (live) liveFlag++;
      if (sh) shadowFlag++;
      const t = series[j].tracker.update(sc, r.timestampMs);
      const shOnset = t?.kind === "open";
      if (r.liveOnsets[i]) {
        const matched = series[j].tracker.isOpen;
        this.c.liveOnsets++;
        if (matched) this.c.matchedLive++;
        m.onsets.inc({ model: "live", matched: String(matched) });
      }
      if (shOnset) {
        const matched = r.liveOpen(i);
        this.c.shadowOnsets++;
        if (matched) this.c.matchedShadow++;
        m.onsets.inc({ model: "shadow", matched: String(matched) });
      }
    }
    this.c.points += idx.length;
    this.c.agree += agree;
    this.c.liveFlag += liveFlag;
    this.c.shadowFlag += shadowFlag;
    m.points.inc(idx.length);
    m.agreeing.inc(agree);
    m.flagged.inc({ model: "live" }, liveFlag);
    m.flagged.inc({ model: "shadow" }, shadowFlag);
  }

  /** Replaces the shadow model: every series starts over with it, and so do the counts. Returns the old one (the caller disposes it). */
  replace(model: ScoringModel): ScoringModel {
    const old = this.model;
    this.model = model;
    this.gen++;
    for (const k of Object.keys(this.c) as (keyof typeof this.c)[]) this.c[k] = 0;
    this.metrics.info.reset();
    this.metrics.info.set({ name: model.name, version: model.version }, 1);
    return old;
  }

  private newSeries(key: string): ShadowSeries {
    const open = this.model.threshold;
    const share = this.o.share ?? 1;
    const picked = share >= 1 || fnv1a(key) / 4294967296 < share;
    return {
      state: picked ? this.model.createState() : undefined,
      tracker: new HysteresisTracker({ open, close: 0.8 * open, minPoints: this.o.minPoints }),
      gen: this.gen,
    };
  }

  /** The comparison so far. */
  status(): ShadowStatus {
    const c = this.c;
    const share = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1e6) / 1e6 : null);
    return {
      model: { name: this.model.name, version: this.model.version, threshold: this.model.threshold },
      points: c.points,
      agreement: share(c.agree, c.points),
      onset_agreement: share(c.matchedLive + c.matchedShadow, c.liveOnsets + c.shadowOnsets),
      flag_rate: share(c.shadowFlag, c.points),
      live_flag_rate: share(c.liveFlag, c.points),
      alarm_rate: share(c.shadowOnsets, c.points),
      live_alarm_rate: share(c.liveOnsets, c.points),
      onsets: { live: c.liveOnsets, shadow: c.shadowOnsets, matched_live: c.matchedLive, matched_shadow: c.matchedShadow },
      skipped: { late: c.late, error: c.error },
    };
  }

  /** Sets the ratio gauges; returns the status. */
  refresh(): ShadowStatus {
    const s = this.status();
    const m = this.metrics;
    m.agreement.set(s.agreement ?? 0);
    m.onsetAgreement.set(s.onset_agreement ?? 0);
    m.flagRate.set({ model: "shadow" }, s.flag_rate ?? 0);
    m.flagRate.set({ model: "live" }, s.live_flag_rate ?? 0);
    return s;
  }

  /** Releases the shadow model. */
  dispose(): void {
    this.model.dispose();
  }
}

/** FNV-1a 32-bit hash of a string (with a final mix): which series a `share` below 1 picks (stable across restarts). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  // murmur3's finaliser: FNV alone leaves similar short keys (`s1`, `s2`, …) close together
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
