/**
 * Drift across everything one agent scores: the input distribution of every series against its
 * own reference period, and the score distribution of the model in use against the first
 * scores it gave (a new model version starts a new reference). Bounded: at most `maxSeries`
 * series are tracked (the rest are counted, not tracked), each ≤ 4·referenceSize bytes while
 * its reference fills and ≈ 200 bytes after.
 */
import { DriftStream, DRIFT_DEFAULTS, type DriftOptions, type DriftTransition } from "./stream.ts";

/** Options of a {@link DriftMonitor}. */
export interface DriftMonitorOptions {
  /** Per-series input drift (defaults: reference 256 values, half-life 256, level 0.25). */
  input?: DriftOptions;
  /** Score drift of the model in use, over all its scores (defaults: reference 8192, half-life 8192). */
  score?: DriftOptions;
  /** Series tracked at most (default 20 000). */
  maxSeries?: number;
}

/** Per-series input defaults: a shorter reference than a lone stream, to bound memory at 10k series. */
export const INPUT_DRIFT_DEFAULTS: Required<DriftOptions> = { ...DRIFT_DEFAULTS, referenceSize: 256, halfLife: 256 };
/** Score-stream defaults: all series' scores pooled, so a longer memory. */
export const SCORE_DRIFT_DEFAULTS: Required<DriftOptions> = { ...DRIFT_DEFAULTS, referenceSize: 8192, halfLife: 8192 };

/** What {@link DriftMonitor.summary} reports (the shape of `/status` `drift` and the heartbeat's). */
export interface DriftSummary {
  /** PSI at or past which a stream is drifted. */
  level: number;
  /** Series tracked / past their reference period / drifted now. */
  series: number;
  ready: number;
  drifted: number;
  /** Series not tracked because `maxSeries` was reached. */
  untracked: number;
  /** Largest input PSI of a tracked series. */
  maxPsi: number;
  /** The most drifted series (largest PSI first). */
  top: { series: string; psi: number }[];
  /** Score drift of the model in use. */
  score: { model: string; psi: number; ready: boolean; drifted: boolean };
}

/** A series whose input drift started or ended in {@link DriftMonitor.observe}. */
export interface DriftChange {
  series: string;
  transition: Exclude<DriftTransition, undefined>;
  psi: number;
}

/**
 * @example
 * const m = new DriftMonitor();
 * m.model("online:default@2");
 * const change = m.observe("cpu.user{cpu=0}", 12.5, 0.01);
 * if (change?.transition === "start") emitDriftEvent(change);
 */
export class DriftMonitor {
  private readonly series = new Map<string, DriftStream>();
  private readonly input: Required<DriftOptions>;
  private readonly scoreOptions: Required<DriftOptions>;
  private readonly maxSeries: number;
  private scoreStream: DriftStream;
  private modelName = "";
  private untracked = new Set<string>();

  constructor(options: DriftMonitorOptions = {}) {
    this.input = { ...INPUT_DRIFT_DEFAULTS, ...options.input };
    this.scoreOptions = { ...SCORE_DRIFT_DEFAULTS, ...options.score };
    this.maxSeries = options.maxSeries ?? 20_000;
    this.scoreStream = new DriftStream(this.scoreOptions);
  }

  /** Names the model in use; a different one starts a new score reference. */
  model(name: string): void {
    if (name === this.modelName) return;
    this.modelName = name;
    this.scoreStream = new DriftStream(this.scoreOptions);
  }

  /** Takes one scored point; returns the series' drift change, if any. */
  observe(series: string, value: number, score: number): DriftChange | undefined {
    this.scoreStream.observe(score);
    return this.observeInput(series, value);
  }

  /** Takes one score of the model in use alone (a caller that samples scores); returns the score stream's transition. */
  observeScore(score: number): DriftTransition {
    return this.scoreStream.observe(score);
  }

  /** Takes one input value of `series` alone; returns the series' drift change, if any. */
  observeInput(series: string, value: number): DriftChange | undefined {
    let s = this.series.get(series);
    if (s === undefined) {
      if (this.series.size >= this.maxSeries) {
        if (this.untracked.size < this.maxSeries) this.untracked.add(series);
        return undefined;
      }
      s = new DriftStream(this.input);
      this.series.set(series, s);
      this.untracked.delete(series);
    }
    const t = s.observe(value);
    return t ? { series, transition: t, psi: s.psi } : undefined;
  }

  /** Drops a series (it went stale). */
  forget(series: string): void {
    this.series.delete(series);
    this.untracked.delete(series);
  }

  /** PSI of a tracked series now (0 when untracked or its reference is filling). */
  psiOf(series: string): number {
    return this.series.get(series)?.psi ?? 0;
  }

  /** The score stream's PSI now (0 while its reference fills). */
  get scorePsi(): number {
    return this.scoreStream.psi;
  }

  /** Bytes held by the trackers (typed arrays). */
  get bytes(): number {
    let b = this.scoreStream.bytes;
    for (const s of this.series.values()) b += s.bytes;
    return b;
  }

  /** A bounded summary: counts, the `top` most drifted series, the model's score drift. */
  summary(top = 10): DriftSummary {
    let ready = 0;
    let drifted = 0;
    let maxPsi = 0;
    const best: { series: string; psi: number }[] = [];
    for (const [name, s] of this.series) {
      if (!s.ready) continue;
      ready++;
      if (s.drifted) drifted++;
      if (s.psi > maxPsi) maxPsi = s.psi;
      if (top > 0 && (best.length < top || s.psi > best[best.length - 1].psi)) {
        best.push({ series: name, psi: s.psi });
        best.sort((a, b) => b.psi - a.psi);
        if (best.length > top) best.pop();
      }
    }
    const sc = this.scoreStream;
    return {
      level: this.input.level,
      series: this.series.size,
      ready,
      drifted,
      untracked: this.untracked.size,
      maxPsi,
      top: best,
      score: { model: this.modelName, psi: sc.psi, ready: sc.ready, drifted: sc.drifted },
    };
  }
}
