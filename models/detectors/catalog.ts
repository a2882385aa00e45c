/**
 * The detector catalog: every detector kind, how to build a new one, how many rows it trains on
 * and how to load a saved one. (Not the model registry: that is `core/registry`.)
 */
import type { BundleFile, Detector, DetectorKind } from "../detector.ts";
import { DenseAutoencoder } from "./autoencoder/autoencoder.ts";
import { Ensemble } from "./ensemble/ensemble.ts";
import { IsolationForest } from "./isolation-forest/isolation-forest.ts";
import { LstmAutoencoder } from "./lstm-autoencoder/lstm-autoencoder.ts";
import { RobustZScore } from "./robust-zscore/robust-zscore.ts";

/** Extra features after the window values in every row (the spread ratio). */
export const EXTRA_FEATURES = 1;

/** A new, unfitted detector of `kind` for rows of `width` numbers. */
export function createDetector(kind: DetectorKind, width: number): Detector {
  const window = width - EXTRA_FEATURES;
  switch (kind) {
    case "autoencoder":
      return new DenseAutoencoder({ width });
    case "lstm-autoencoder":
      return new LstmAutoencoder({ width });
    case "isolation-forest":
      return new IsolationForest({ window, extra: EXTRA_FEATURES });
    case "robust-zscore":
      return new RobustZScore({ window, extra: EXTRA_FEATURES, method: "max" });
    case "ensemble":
      return new Ensemble([new DenseAutoencoder({ width }), new RobustZScore({ window, extra: EXTRA_FEATURES, method: "max" })]);
  }
}

/** How many training windows each kind fits on by default (the rest only calibrates). */
export function defaultTrainRows(kind: DetectorKind): number {
  switch (kind) {
    case "lstm-autoencoder":
      return 20_000;
    case "isolation-forest":
      return 100_000;
    default:
      return 200_000;
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
