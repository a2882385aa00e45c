/**
 * The search space of `agent train --tune` and the seeded choice of trials from it.
 */
import type { DetectorKind } from "../detector.ts";
import { defaultEpochs, defaultSize } from "../detectors/catalog.ts";
import { createRng } from "../../data/random.ts";

/** One point of the search space (undefined: the detector's default / not applicable). */
export interface TrialParams {
  window: number;
  size?: number;
  epochs?: number;
  learningRate?: number;
}

/** Values searched per dimension; a kind only varies the ones it has. */
export const SEARCH_SPACE = {
  window: [16, 32, 48],
  /** Hidden size of the neural kinds. */
  size: [8, 16, 32],
  /** k of `lof`. */
  k: [10, 20, 40],
  /** Multiples of the kind's default epochs. */
  epochScale: [0.5, 1, 2],
  learningRate: [1e-3, 3e-3, 1e-2],
} as const;

const NEURAL: readonly DetectorKind[] = ["autoencoder", "lstm-autoencoder", "gru-autoencoder", "vae", "ensemble"];

/** True for the kinds trained by gradient descent (epochs and learning rate apply). */
export function isNeural(kind: DetectorKind): boolean {
  return NEURAL.includes(kind);
}

const key = (p: TrialParams) => `${p.window}/${p.size}/${p.epochs}/${p.learningRate}`;

/**
 * Up to `trials` distinct points for `kind`: the first is `base` (the user's window and epochs,
 * the kind's defaults otherwise, its default size spelled out so no later draw repeats it), the rest drawn from {@link SEARCH_SPACE} with `createRng(seed)`
 * without repeats. Fewer come back when the kind's space is smaller (robust-zscore and
 * isolation-forest only vary the window: 3 points).
 */
export function chooseTrials(kind: DetectorKind, trials: number, seed: number, base: TrialParams): TrialParams[] {
  const neural = isNeural(kind);
  const baseEpochs = base.epochs ?? defaultEpochs(kind);
  const first: TrialParams = { window: base.window, ...(neural ? { epochs: baseEpochs } : {}) };
  const size = base.size ?? defaultSize(kind);
  if (size !== undefined && kind !== "ensemble") first.size = size;
  if (neural && base.learningRate !== undefined) first.learningRate = base.learningRate;
  const sizes: readonly (number | undefined)[] = kind === "lof" ? SEARCH_SPACE.k : neural && kind !== "ensemble" ? SEARCH_SPACE.size : [undefined];
  const space: TrialParams[] = [];
  for (const window of SEARCH_SPACE.window)
    for (const size of sizes)
      for (const scale of neural ? SEARCH_SPACE.epochScale : [undefined])
        for (const learningRate of neural ? SEARCH_SPACE.learningRate : [undefined]) {
          const p: TrialParams = { window };
          if (size !== undefined) p.size = size;
          if (scale !== undefined) p.epochs = Math.max(1, Math.round((baseEpochs ?? 1) * scale));
          if (learningRate !== undefined) p.learningRate = learningRate;
          space.push(p);
        }
  const out = [first];
  const seen = new Set([key(first)]);
  const rng = createRng(seed);
  const pool = space.filter((p) => !seen.has(key(p)));
  while (out.length < trials && pool.length > 0) {
    const [p] = pool.splice(rng.int(0, pool.length - 1), 1);
    out.push(p);
  }
  return out;
}
