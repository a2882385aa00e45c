import type { Dataset } from "../data/types.ts";
import { calibrate, calibrateThreshold, CALIBRATED_THRESHOLD, DEFAULT_QUANTILE } from "./calibration.ts";
import type { DetectorKind } from "./detector.ts";
import { calibrationRows, createDetector, defaultEpochs, defaultTrainRows } from "./detectors/catalog.ts";
import { defaultFeatureSpec, featureNames, featureWidth } from "./features/spec.ts";
import { buildWindows, strideRows } from "./features/windows.ts";
import { writeBundle } from "./format/bundle.ts";
import type { Manifest } from "./format/manifest.ts";
import { BundleModel } from "./bundle-model.ts";

/** Options of {@link trainModel}. */
export interface TrainOptions {
  kind: DetectorKind;
  /** Samples per window (default 32). */
  window?: number;
  /** Epochs for neural detectors (default per kind: `defaultEpochs`). */
  epochs?: number;
  /** Hidden size of a neural detector, k of `lof` (default per kind; see `createDetector`). */
  size?: number;
  /** Adam learning rate of a neural detector (default per kind). */
  learningRate?: number;
  seed?: number;
  /** Bundle name (default: the detector kind). */
  name?: string;
  version?: string;
  /** Cap on training windows (default per detector). */
  maxRows?: number;
  /** Training quantile for the threshold. */
  quantile?: number;
  /** Recorded in the manifest. */
  datasetLabel?: string;
  agentVersion?: string;
  onProgress?: (fraction: number, status: string) => void;
}

/** A trained model with the manifest fields that describe it (files are added on save). */
export interface TrainedModel {
  model: BundleModel;
  manifest: Omit<Manifest, "files">;
}

/**
 * Trains a detector on a labelled (or unlabelled) dataset: builds windows with streaming
 * semantics, keeps only windows free of labelled anomalies for fitting (all windows when the
 * dataset has no labels), fits, then calibrates the threshold τ on the normal windows.
 */
export async function trainModel(dataset: Dataset, options: TrainOptions): Promise<TrainedModel> {
  const spec = defaultFeatureSpec(options.window ?? 32);
  const width = featureWidth(spec);
  const seed = options.seed ?? 1;
  const values = dataset.series.map((s) => s.values);
  const clean = (s: number, i: number): boolean => {
    const labels = dataset.series[s].labels;
    if (!labels) return true;
    for (let j = Math.max(0, i - spec.window - 1); j <= i; j++) if (labels[j]) return false;
    return true;
  };
  options.onProgress?.(0, "building windows");
  const normal = buildWindows(values, spec, clean);
  if (normal.batch.n < 100) throw new Error(`only ${normal.batch.n} normal training windows (need ≥ 100): give more or longer series`);
  const fitRows = strideRows(normal, options.maxRows ?? defaultTrainRows(options.kind));
  const detector = createDetector(options.kind, width, options.size);
  const epochs = options.epochs ?? defaultEpochs(options.kind);
  const started = performance.now();
  await detector.fit(fitRows.batch, {
    seed,
    epochs,
    learningRate: options.learningRate,
    onProgress: (f, s) => options.onProgress?.(0.05 + 0.85 * f, s),
  });
  const fitSeconds = (performance.now() - started) / 1000;
  options.onProgress?.(0.9, "calibrating threshold");
  const calibRows = strideRows(normal, calibrationRows(options.kind));
  const raw = await detector.scoreRaw(calibRows.batch);
  const quantile = options.quantile ?? DEFAULT_QUANTILE;
  const tau = calibrateThreshold(raw, quantile);
  const saved = await detector.save();
  const flagged = calibrate(raw, tau).filter((s) => s >= CALIBRATED_THRESHOLD).length;
  const name = options.name ?? options.kind;
  const version = options.version ?? "1";
  const manifest: Omit<Manifest, "files"> = {
    format: "agent-model-bundle",
    manifest_version: 1,
    name,
    version,
    created_at: new Date().toISOString(),
    agent_version: options.agentVersion ?? "dev",
    detector: { kind: options.kind, params: saved.params },
    window: spec.window,
    features: { ...spec, width, names: featureNames(spec) },
    scaler: { center: "window_median", scale: "ewma_abs_diff", counters: "auto_rate" },
    threshold: { score: CALIBRATED_THRESHOLD, raw: tau, quantile },
    training: {
      dataset: options.datasetLabel,
      series: dataset.series.length,
      windows: fitRows.batch.n,
      epochs,
      fit_seconds: Math.round(fitSeconds * 1000) / 1000,
      seed,
      size: options.size,
      learning_rate: options.learningRate,
      metrics: { train_fp_rate: flagged / Math.max(1, raw.length), calibration_windows: raw.length },
    },
  };
  options.onProgress?.(1, "done");
  return { model: new BundleModel(name, version, detector, spec, tau), manifest };
}

/** Saves a trained model as a bundle directory and returns the full manifest. */
export async function saveTrainedModel(dir: string, trained: TrainedModel): Promise<Manifest> {
  const saved = await trained.model.detector.save();
  return writeBundle(dir, trained.manifest, saved.files);
}
