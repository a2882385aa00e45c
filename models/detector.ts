/**
 * The one interface every detector implements.
 *
 * Detectors work on *windows*: fixed-width feature vectors built from the last `window`
 * samples of a series (see `models/features.ts`). A batch of `n` windows is one flat
 * Float32Array of `n * width` numbers, row-major.
 *
 * `scoreRaw` returns an unbounded raw anomaly score per window (higher = more anomalous).
 * The calibrated score in [0, 1] is produced by {@link Calibration} from `models/calibration.ts`,
 * which every bundle stores next to the detector.
 */

/** Detector kinds that can be trained into a bundle. */
export const DETECTOR_KINDS = ["autoencoder", "lstm-autoencoder", "gru-autoencoder", "vae", "isolation-forest", "lof", "robust-zscore", "ensemble"] as const;
export type DetectorKind = (typeof DETECTOR_KINDS)[number];

/** A batch of windows, row-major. */
export interface WindowBatch {
  /** `n * width` values. */
  data: Float32Array;
  /** Number of windows. */
  n: number;
  /** Numbers per window (window length × features, plus any extra features). */
  width: number;
}

/** Options passed to {@link Detector.fit}. */
export interface FitOptions {
  /** Seed for any randomness (weight init, sampling, tree building). */
  seed?: number;
  /** Training epochs for neural detectors. */
  epochs?: number;
  /** Adam learning rate for neural detectors (default per detector). */
  learningRate?: number;
  /** Called with progress in [0, 1] and a short status text. */
  onProgress?: (fraction: number, status: string) => void;
}

/** A file a detector persists inside its bundle directory. */
export interface BundleFile {
  /** Relative path inside the bundle, e.g. `weights.bin`. */
  path: string;
  data: Uint8Array;
}

/** What every detector can do. */
export interface Detector {
  readonly kind: DetectorKind;
  /** Numbers per window this detector expects. */
  readonly width: number;
  /** Learn from (mostly normal) training windows. */
  fit(batch: WindowBatch, options?: FitOptions): Promise<void>;
  /** Raw anomaly score per window; higher = more anomalous. Must not retain `batch`. */
  scoreRaw(batch: WindowBatch): Promise<Float32Array>;
  /** JSON-serialisable parameters (stored in the manifest) plus binary files. */
  save(): Promise<{ params: Record<string, unknown>; files: BundleFile[] }>;
  /** Release any native/tensor memory. */
  dispose(): void;
}

/** Thrown when a batch does not fit a detector (wrong width, empty, non-finite). */
export class WindowShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WindowShapeError";
  }
}

/** Throws {@link WindowShapeError} unless `batch.width === width` and the data length matches. */
export function assertBatch(batch: WindowBatch, width: number, who: string): void {
  if (batch.width !== width) {
    throw new WindowShapeError(`${who}: window width ${batch.width} does not fit the model (expects ${width})`);
  }
  if (batch.data.length !== batch.n * batch.width) {
    throw new WindowShapeError(`${who}: batch holds ${batch.data.length} numbers, expected ${batch.n} × ${batch.width}`);
  }
}
