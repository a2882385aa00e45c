import type { DetectorKind } from "./detector.ts";
import { FeatureSpecSchema } from "./features/spec.ts";
import { BundleError, readBundle } from "./format/bundle.ts";
import { BundleModel } from "./bundle-model.ts";
import type { ScoringModel } from "./model.ts";
import { createOnlineModel } from "./online/default.ts";

/**
 * Loads a model by reference: `online:<name>` for an online detector, otherwise a bundle
 * directory (manifest validated, every sha256 checked). Throws a one-line error naming the
 * bundle and the problem.
 *
 * @example
 * const model = await loadModel("online:default");
 * const model2 = await loadModel("./models/ae");
 */
export async function loadModel(ref: string): Promise<ScoringModel> {
  if (ref.startsWith("online:")) return createOnlineModel(ref);
  const { manifest, files } = await readBundle(ref);
  // Loaded lazily: the online detectors need neither tfjs nor the other detectors.
  const { loadDetector } = await import("./detectors/catalog.ts");
  let detector;
  try {
    detector = await loadDetector(manifest.detector.kind as DetectorKind, manifest.detector.params, files);
  } catch (error) {
    throw new BundleError(ref, `cannot load ${manifest.detector.kind} detector: ${(error as Error).message}`);
  }
  const { width: _w, names: _n, ...rest } = manifest.features;
  const spec = FeatureSpecSchema.parse(rest);
  try {
    return new BundleModel(manifest.name, manifest.version, detector, spec, manifest.threshold.raw, manifest);
  } catch (error) {
    detector.dispose();
    throw new BundleError(ref, (error as Error).message);
  }
}
