import { BundleModel } from "../../../models/bundle-model.ts";
import type { DetectorKind } from "../../../models/detector.ts";
import { loadDetector } from "../../../models/detectors/catalog.ts";
import { featureWidth, FeatureSpecSchema } from "../../../models/features/spec.ts";
import type { Manifest } from "../../../models/format/manifest.ts";

import { errorLine, zodLine } from "../http/one-line.ts";
import { ModelCheckError } from "./errors.ts";

export { ModelCheckError };

/** What a trial run found. */
export interface TrialResult {
  /** Numbers per window the model takes (its declared input width). */
  width: number;
  /** Raw score of the trial window. */
  raw: number;
  ms: number;
}

/**
 * Loads the bundle's detector (tfjs models on the WASM backend) and runs one inference with the
 * declared input shape — one window of `features.width` numbers — then scores a short series
 * through the whole feature pipeline. Throws {@link ModelCheckError} naming the problem.
 *
 * @example
 * await trialInference(unpackEnvelope(body)); // throws ModelCheckError on a broken model
 */
export async function trialInference(bundle: { manifest: Manifest; files: Map<string, Uint8Array> }): Promise<TrialResult> {
  const t0 = performance.now();
  const { manifest } = bundle;
  const { width: declared, names: _n, ...rest } = manifest.features;
  const spec = FeatureSpecSchema.safeParse(rest);
  if (!spec.success) throw new ModelCheckError("model_load_failed", `features: ${zodLine(spec.error)}`);
  if (declared !== featureWidth(spec.data)) {
    throw new ModelCheckError("model_load_failed", `features.width ${declared} does not match window ${spec.data.window} (+1 spread feature)`);
  }
  let model: BundleModel;
  try {
    const detector = await loadDetector(manifest.detector.kind as DetectorKind, manifest.detector.params, bundle.files);
    try {
      model = new BundleModel(manifest.name, manifest.version, detector, spec.data, manifest.threshold.raw, manifest);
    } catch (error) {
      detector.dispose();
      throw error;
    }
  } catch (error) {
    throw new ModelCheckError("model_load_failed", `cannot load ${manifest.detector.kind} detector: ${errorLine(error)}`);
  }
  try {
    const data = Float32Array.from({ length: declared }, (_, i) => Math.sin(i / 3) * 0.5);
    const raw = await model.detector.scoreRaw({ data, n: 1, width: declared });
    if (raw.length !== 1 || !Number.isFinite(raw[0])) {
      throw new Error(`one window of width ${declared} gave ${raw.length} scores (${raw[0]})`);
    }
    const n = spec.data.window + 16;
    const series = Float64Array.from({ length: n }, (_, i) => 100 + 5 * Math.sin(i / 4) + (i % 3));
    const [scores] = await model.scoreSeries([series]);
    const bad = scores.findIndex((s) => !(s >= 0 && s <= 1));
    if (bad >= 0) throw new Error(`score ${scores[bad]} at point ${bad} is not in [0, 1]`);
    return { width: declared, raw: raw[0], ms: performance.now() - t0 };
  } catch (error) {
    throw new ModelCheckError("inference_failed", `inference with input shape [1, ${declared}] failed: ${errorLine(error)}`);
  } finally {
    model.dispose();
  }
}
