/**
 * On-host training (`model.learn`): see README.md.
 * @module
 */
import type { ModelWatcher } from "../../core/pipeline/types.ts";
import type { Learner } from "./learner.ts";

export { Learner, type LearnerOptions } from "./learner.ts";
export { LEARN_DEFAULTS, type LearnSettings } from "./settings.ts";

/**
 * The pipeline's watcher for an updater and/or a learner: with both, the updater decides the
 * model (its probation and fallback) and the learner only sees the rounds and their samples.
 */
export function learnWatcher(updater: ModelWatcher | undefined, learner: Learner | undefined): ModelWatcher | undefined {
  if (!learner) return updater;
  if (!updater) return learner;
  return {
    onRound: (r) => {
      updater.onRound(r);
      learner.onRound(r);
    },
    onModelFailure: (f) => updater.onModelFailure(f),
    onSamples: (s) => learner.onSamples(s),
    attach: (h) => {
      updater.attach(h);
      learner.attach(h);
    },
    dispose: () => {
      updater.dispose?.();
      learner.dispose();
    },
  };
}
