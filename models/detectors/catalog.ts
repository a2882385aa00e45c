/**
 * The detector catalog: every detector kind, how to build a new one, how many rows it trains on
 * and how to load a saved one. (Not the model registry: that is `core/registry`.)
 */
import type { BundleFile, Detector, DetectorKind } from "../detector.ts";
import { DenseAutoencoder } from "./autoencoder/autoencoder.ts";
import { Ensemble } from "./ensemble/ensemble.ts";
import { GRU_DEFAULT_UNITS, GruAutoencoder } from "./gru-autoencoder/gru-autoencoder.ts";
import { IsolationForest } from "./isolation-forest/isolation-forest.ts";
import { LOF_DEFAULTS, LocalOutlierFactor } from "./lof/lof.ts";
import { LstmAutoencoder } from "./lstm-autoencoder/lstm-autoencoder.ts";
import { RobustZScore } from "./robust-zscore/robust-zscore.ts";
import { VAE_DEFAULTS, VariationalAutoencoder } from "./vae/vae.ts";

/** Extra features after the window values in every row (the spread ratio). */
export const EXTRA_FEATURES = 1;

/**
 * A new, unfitted detector of `kind` for rows of `width` numbers. `size` (what `agent train
 * --tune` searches as "width") is the hidden size of the neural kinds (the dense autoencoder's
 * first layer, its code scaled alike; the recurrent units; the VAE's hidden layer) and the
 * neighbour count k of `lof`; the other kinds ignore it.
 */
export function createDetector(kind: DetectorKind, width: number, size?: number): Detector {
  const window = width - EXTRA_FEATURES;
  switch (kind) {
    case "autoencoder":
      return new DenseAutoencoder({ width, ...(size ? { hidden: [size, Math.max(2, Math.round((size * 6) / 16))] } : {}) });
    case "lstm-autoencoder":
      return new LstmAutoencoder({ width, ...(size ? { units: size } : {}) });
    case "gru-autoencoder":
      return new GruAutoencoder({ width, ...(size ? { units: size } : {}) });
    case "vae":
      return new VariationalAutoencoder({ width, ...(size ? { hidden: size } : {}) });
    case "lof":
      return new LocalOutlierFactor({ width, ...(size ? { k: size } : {}) });
    case "isolation-forest":
      return new IsolationForest({ window, extra: EXTRA_FEATURES });
    case "robust-zscore":
      return new RobustZScore({ window, extra: EXTRA_FEATURES, method: "max" });
    case "ensemble":
      return new Ensemble([new DenseAutoencoder({ width }), new RobustZScore({ window, extra: EXTRA_FEATURES, method: "max" })]);
  }
}

/** The `size` (see {@link createDetector}) a kind gets when none is given; undefined: the kind has none. */
export function defaultSize(kind: DetectorKind): number | undefined {
  switch (kind) {
    case "autoencoder":
      return 16; // DenseAutoencoder's hidden [16, 6]
    case "lstm-autoencoder":
      return 16; // LstmAutoencoder's units
    case "gru-autoencoder":
      return GRU_DEFAULT_UNITS;
    case "vae":
      return VAE_DEFAULTS.hidden;
    case "lof":
      return LOF_DEFAULTS.k;
    default:
      return undefined;
  }
}

/** How many training windows each kind fits on by default (the rest only calibrates). */
export function defaultTrainRows(kind: DetectorKind): number {
  switch (kind) {
    case "lstm-autoencoder":
    case "gru-autoencoder":
      return 20_000;
    case "isolation-forest":
    case "lof":
      return 100_000;
    default:
      return 200_000;
  }
}

/** Training epochs each neural kind runs by default (undefined: the kind has no epochs). */
export function defaultEpochs(kind: DetectorKind): number | undefined {
  switch (kind) {
    case "lstm-autoencoder":
    case "gru-autoencoder":
      return 4;
    case "autoencoder":
    case "vae":
    case "ensemble":
      return 10;
    default:
      return undefined;
  }
}

/** How many normal windows calibrate the threshold τ (fewer for the kinds that score slowly). */
export function calibrationRows(kind: DetectorKind): number {
  switch (kind) {
    case "lstm-autoencoder":
    case "gru-autoencoder":
      return 100_000;
    case "lof":
      return 200_000;
    default:
      return 2_000_000;
  }
}

/** Restores a detector saved by `Detector.save()` from its params and bundle files. */
export async function loadDetector(kind: DetectorKind, params: Record<string, unknown>, files: Map<string, Uint8Array>): Promise<Detector> {
  const list = (): BundleFile[] => [...files].map(([path, data]) => ({ path, data }));
  switch (kind) {
    case "autoencoder":
      return DenseAutoencoder.load(params, files);
    case "lstm-autoencoder":
      return LstmAutoencoder.load(params, files);
    case "gru-autoencoder":
      return GruAutoencoder.load(params, files);
    case "vae":
      return VariationalAutoencoder.load(params, files);
    case "lof":
      return LocalOutlierFactor.load(params, files);
    case "isolation-forest":
      return IsolationForest.load(params, list());
    case "robust-zscore":
      return RobustZScore.load(params, list());
    case "ensemble":
      return Ensemble.load(params, files, loadDetector);
    default:
      throw new Error(`unknown detector kind "${kind as string}"`);
  }
}
