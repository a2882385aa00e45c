/**
 * Turning an installed bundle directory into a model the scorer may switch to: load it (every
 * sha256 verified), check that it fits the features this agent builds, and warm it up by scoring
 * a synthetic batch of windows — so a broken model fails here, not in a scoring round.
 */
import { BundleModel } from "../../models/bundle-model.ts";
import { loadModel } from "../../models/load.ts";
import type { ScoringModel } from "../../models/model.ts";
import { canonicalJson } from "../../models/registry-protocol/signature.ts";
import { manifestFeatureProblems } from "../config/model-check.ts";

/** Why a model could not be made ready: `load` (bundle, detector, features) or `warmup` (scoring). */
export class ModelLoadError extends Error {
  constructor(
    readonly stage: "load" | "warmup",
    message: string,
  ) {
    super(message);
    this.name = "ModelLoadError";
  }
}

/** Series and extra ticks of the warm-up batch. */
export const WARMUP = { series: 8, extraTicks: 4 } as const;

/**
 * Scores a synthetic batch: {@link WARMUP}.series series (seasonal gauges, one noisy, one counter)
 * for `window + 2 + extraTicks` ticks, so at least `extraTicks` full window batches go through
 * the detector. Throws {@link ModelLoadError} on an exception or a score outside [0, 1].
 *
 * @example
 * await warmUp(model); // ~ms for small models; also compiles the tfjs kernels
 */
export async function warmUp(model: ScoringModel): Promise<void> {
  const states = Array.from({ length: WARMUP.series }, () => model.createState());
  const ticks = model.window + 2 + WARMUP.extraTicks;
  const values = new Float64Array(WARMUP.series);
  for (let t = 0; t < ticks; t++) {
    for (let s = 0; s < WARMUP.series; s++) {
      values[s] = s === WARMUP.series - 1 ? 1000 + 7 * t : 50 + 10 * s + 5 * Math.sin((t + s) / 3) + (s === 0 ? ((t * 7919) % 13) / 4 : 0);
    }
    let scores: Float32Array;
    try {
      scores = await model.scoreTick(states, values);
    } catch (error) {
      throw new ModelLoadError("warmup", `warm-up scoring failed: ${(error as Error).message}`);
    }
    const bad = scores.findIndex((x) => !(x >= 0 && x <= 1));
    if (scores.length !== WARMUP.series || bad >= 0) {
      throw new ModelLoadError("warmup", `warm-up scoring gave ${scores.length} scores, score ${scores[bad]} of series ${bad} is not in [0, 1]`);
    }
  }
}

/**
 * Loads a bundle directory, checks its features and warms it up. Throws {@link ModelLoadError}.
 *
 * @example
 * const model = await loadReadyModel("var/models/host-ae/7");
 */
export async function loadReadyModel(dir: string): Promise<ScoringModel> {
  let model: ScoringModel;
  try {
    model = await loadModel(dir);
  } catch (error) {
    throw new ModelLoadError("load", (error as Error).message.split("\n")[0]);
  }
  try {
    const problems = model instanceof BundleModel && model.manifest ? manifestFeatureProblems(model.manifest) : [];
    if (problems.length) throw new ModelLoadError("load", problems.join("; "));
    await warmUp(model);
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * True when two models build the same streaming features (both bundles with an identical
 * feature spec): the scorer can then keep every series' state across the swap, so no series
 * warms up again.
 *
 * @example
 * scorer.swapModel(next, { keepState: sameFeatures(scorer.current, next) });
 */
export function sameFeatures(a: ScoringModel, b: ScoringModel): boolean {
  return a instanceof BundleModel && b instanceof BundleModel && canonicalJson(a.spec) === canonicalJson(b.spec);
}
