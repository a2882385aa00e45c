/**
 * Drift of one stream of numbers (a series' values, or a model's scores) against its own
 * reference period, in bounded memory: the first `referenceSize` finite values are kept
 * (float32) only until their decile edges and histogram are taken; after that the state is two
 * small histograms (reference, and an exponentially decayed current one) and the edges.
 */
import { binOf, psi, quantileEdges } from "./psi.ts";

/** Tuning of a {@link DriftStream}. */
export interface DriftOptions {
  /** Finite values in the reference period (the first ones seen). Default 1024. */
  referenceSize?: number;
  /** Half-life of the current histogram, in values. Default 512. */
  halfLife?: number;
  /** PSI at or past which the stream counts as drifted. Default 0.25 (a "significant" shift). */
  level?: number;
  /** Quantile bins of the reference (before ties merge). Default 10. */
  bins?: number;
}

/** Defaults of {@link DriftOptions}. */
export const DRIFT_DEFAULTS: Required<DriftOptions> = { referenceSize: 1024, halfLife: 512, level: 0.25, bins: 10 };

/** What one {@link DriftStream.observe} changed: the stream started or stopped being drifted. */
export type DriftTransition = "start" | "end" | undefined;

/**
 * One stream's drift tracker.
 *
 * @example
 * const d = new DriftStream({ referenceSize: 256, halfLife: 128 });
 * for (const x of values) if (d.observe(x) === "start") console.log("drifted, PSI", d.psi);
 */
export class DriftStream {
  private readonly o: Required<DriftOptions>;
  private readonly keep: number;
  private refSample: Float32Array | undefined;
  private refCount = 0;
  private edges: Float64Array | undefined;
  private refHist: Float64Array | undefined;
  private cur: Float64Array | undefined;
  /** Sum of the current histogram in units of {@link inc} (the weight the newest value got). */
  private curMass = 0;
  private inc = 1;
  private seen = 0;
  /** Latest PSI of the current histogram against the reference (0 while the reference fills). */
  psi = 0;
  /** Whether the stream is drifted (PSI reached the level; it clears below 0.6 × level). */
  drifted = false;

  constructor(options: DriftOptions = {}) {
    this.o = { ...DRIFT_DEFAULTS, ...options };
    for (const [k, v] of Object.entries(this.o))
      if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`drift option ${k} must be a positive number, got ${v}`);
    this.keep = Math.pow(0.5, 1 / this.o.halfLife);
    this.refSample = new Float32Array(Math.max(2, Math.floor(this.o.referenceSize)));
  }

  /** Whether the reference period is over (PSI is meaningful). */
  get ready(): boolean {
    return this.edges !== undefined;
  }

  /** Values the current histogram weighs (≈ 2·halfLife / ln 2 once warm); drift needs ≥ halfLife. */
  get currentMass(): number {
    return this.curMass / this.inc;
  }

  /** Takes one value (non-finite values are ignored: gaps are not a distribution). PSI is recomputed every 8th value. */
  observe(x: number): DriftTransition {
    if (!Number.isFinite(x)) return undefined;
    x = Math.fround(x); // the reference is kept as float32: bin both sides alike
    if (this.refSample) {
      this.refSample[this.refCount++] = x;
      if (this.refCount === this.refSample.length) this.freeze();
      return undefined;
    }
    // decay by growing the weight of new values instead of shrinking every bin (rescaled when large)
    this.inc /= this.keep;
    this.cur![binOf(this.edges!, x)] += this.inc;
    this.curMass += this.inc;
    if (this.inc > 1e150) this.rescale();
    if ((++this.seen & 7) !== 0 || this.currentMass < this.o.halfLife) return undefined;
    this.psi = psi(this.refHist!, this.cur!);
    if (!this.drifted && this.psi >= this.o.level) {
      this.drifted = true;
      return "start";
    }
    if (this.drifted && this.psi < 0.6 * this.o.level) {
      this.drifted = false;
      return "end";
    }
    return undefined;
  }

  /** Starts a new reference period (e.g. when the model that scores the stream changes). */
  reset(): void {
    this.refSample = new Float32Array(Math.max(2, Math.floor(this.o.referenceSize)));
    this.refCount = 0;
    this.edges = this.refHist = this.cur = undefined;
    this.curMass = 0;
    this.inc = 1;
    this.seen = 0;
    this.psi = 0;
    this.drifted = false;
  }

  /** Bytes this tracker holds (typed arrays only). */
  get bytes(): number {
    return (this.refSample?.byteLength ?? 0) + (this.edges?.byteLength ?? 0) + (this.refHist?.byteLength ?? 0) + (this.cur?.byteLength ?? 0);
  }

  private rescale(): void {
    const cur = this.cur!;
    for (let i = 0; i < cur.length; i++) cur[i] /= this.inc;
    this.curMass /= this.inc;
    this.inc = 1;
  }

  private freeze(): void {
    const sample = this.refSample!;
    const edges = quantileEdges(sample, this.o.bins);
    const hist = new Float64Array(edges.length + 1);
    for (let i = 0; i < sample.length; i++) hist[binOf(edges, sample[i])]++;
    this.edges = edges;
    this.refHist = hist;
    this.cur = new Float64Array(edges.length + 1);
    this.refSample = undefined;
  }
}
