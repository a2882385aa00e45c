/**
 * A bundle's threshold is calibrated on its training data; on other data it may flag far more.
 * {@link calibrationWarning} says so when the flagged share of what it scored is far above the
 * share it flagged in training (`manifest.training.metrics.train_fp_rate`).
 */
import type { ScoringModel } from "./model.ts";

/** Flagged share above which a bundle is reported, whatever its training rate. */
const ABSOLUTE_FLOOR = 0.01;
/** Factor over the training rate above which a bundle is reported. */
const FACTOR = 100;

/** The share of finite scores at or above `threshold`. */
export function flaggedShare(scores: readonly ArrayLike<number>[], threshold: number): { flagged: number; total: number } {
  let flagged = 0;
  let total = 0;
  for (const s of scores) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (!Number.isFinite(v)) continue;
      total++;
      if (v >= threshold) flagged++;
    }
  }
  return { flagged, total };
}

/**
 * One line when `model` (a bundle) flags far more of this data than of its training data, else
 * undefined. Online models calibrate on what they score and are never reported.
 *
 * @example
 * const w = calibrationWarning(model, flaggedShare(scores, model.threshold));
 * if (w) console.error(`agent eval: warning: ${w}`);
 */
export function calibrationWarning(model: ScoringModel, share: { flagged: number; total: number }): string | undefined {
  if (model.kind === "online" || share.total < 1000) return undefined;
  const trained = (model as { manifest?: { training?: { metrics?: Record<string, number> } } }).manifest?.training?.metrics?.train_fp_rate;
  if (trained === undefined || !Number.isFinite(trained)) return undefined;
  const rate = share.flagged / share.total;
  if (rate <= Math.max(ABSOLUTE_FLOOR, FACTOR * trained)) return undefined;
  return (
    `${model.name} flags ${(100 * rate).toFixed(1)} % of these points but ${(100 * trained).toFixed(3)} % of its training data: ` +
    `its calibration does not carry over to this data (retrain on it, or use online:default, which calibrates per series)`
  );
}
