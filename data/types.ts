/**
 * Core series types shared by every layer.
 *
 * A series is stored column-wise: `timestamps` (ms since the Unix epoch, in file order: usually
 * increasing, but real exports repeat an hour at a daylight-saving change or jump back),
 * `values` (NaN marks a missing sample: a gap in the data) and optional `labels`
 * (1 = inside a labelled anomaly window).
 */

/** The anomaly kinds the synthetic generator injects and `agent eval` reports recall for. */
export const ANOMALY_TYPES = ["spike", "dip", "level_shift", "drift", "variance_burst", "flatline", "missing_gap"] as const;

/** One of {@link ANOMALY_TYPES}. */
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

/** A single time series, column-wise. */
export interface Series {
  /** Series name, e.g. the CSV file name without extension (`series_0001`). */
  name: string;
  /** Milliseconds since the Unix epoch, in file order (see {@link ReadNotes} for repeats). */
  timestamps: Float64Array;
  /** Sample values; `NaN` marks a missing sample. */
  values: Float64Array;
  /** Optional ground truth: 1 inside a labelled anomaly window, else 0. */
  labels?: Uint8Array;
  /** What the reader tolerated in the file (absent when it was clean). */
  notes?: ReadNotes;
}

/** Counts of the quirks a reader tolerated in one file (rows are kept in file order). */
export interface ReadNotes {
  /** Rows whose timestamp equals the latest one before them. */
  repeated: number;
  /** Rows whose timestamp is earlier than one before them. */
  outOfOrder: number;
  /** Malformed rows left out (unparseable timestamp, missing column). */
  skipped: number;
  /** Non-numeric or non-finite values read as gaps. */
  badValues: number;
  firstTimeLine?: number;
  firstSkippedLine?: number;
  firstSkippedReason?: string;
  firstBadValueLine?: number;
}

/** One injected anomaly, as written to `metadata.json` by the generator. */
export interface AnomalyRecord {
  /** Series name (file name without `.csv`). */
  series: string;
  type: AnomalyType;
  /** Inclusive index range of the labelled window. */
  startIndex: number;
  endIndex: number;
  /** Same window as ISO timestamps (NAB layout uses these). */
  start: string;
  end: string;
}

/** A labelled dataset as produced by `agent generate` and read by `agent train` / `agent eval`. */
export interface Dataset {
  series: Series[];
  /** Anomaly metadata; empty when the dataset carries only labels. */
  anomalies: AnomalyRecord[];
}

/** Baseline shapes of synthetic series (see `data/synthetic/baselines.ts`). */
export const BASELINE_KINDS = ["flat", "seasonal", "trend", "random_walk", "counter"] as const;

/** One of {@link BASELINE_KINDS}. */
export type BaselineKind = (typeof BASELINE_KINDS)[number];

/** The fully resolved parameters of one synthetic generation run. */
export interface GeneratorParams {
  seed: number;
  nSeries: number;
  nPoints: number;
  /** Fraction of series that carry at least one injected anomaly (the rest are clean). */
  anomalyRatio: number;
  intervalSeconds: number;
  /** First timestamp, ms since the Unix epoch. */
  start: number;
}

/** An injected anomaly with the details the generator knows beyond its labelled window. */
export interface InjectedAnomaly extends AnomalyRecord {
  /** Inclusive range of points the anomaly changes (may extend past the labelled window). */
  affectedStart: number;
  affectedEnd: number;
  /**
   * Signed size: in units of the series noise std σ for spike/dip/level_shift/drift, the noise
   * multiplier for variance_burst, 0 for flatline/missing_gap.
   */
  magnitude: number;
}

/** What the generator knows about one series. */
export interface SeriesMeta {
  name: string;
  baseline: BaselineKind;
  /** Base level (counter: mean rate per step). */
  baseValue: number;
  /** Relative noise level; σ = baseValue × noiseLevel. */
  noiseLevel: number;
  /** Noise std σ (counter: of the rate). */
  noiseStd: number;
  /** Daily-sine amplitude, 0 when not seasonal. */
  seasonalAmplitude: number;
  /** Total linear change over the series, 0 unless `trend`. */
  trendTotal: number;
  anomalies: InjectedAnomaly[];
}

/** A generated dataset: the labelled series plus everything known about how they were made. */
export interface SyntheticDataset extends Dataset {
  params: GeneratorParams;
  /** One entry per series, same order as `series`. */
  meta: SeriesMeta[];
}
