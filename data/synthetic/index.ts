/**
 * Synthetic labelled time-series generation.
 *
 * @example
 * import { generateDataset } from "./data/synthetic/index.ts";
 * const ds = generateDataset({ nSeries: 100, seed: 1 });
 */
export { generateDataset, resolveParams, GENERATE_DEFAULTS, MIN_POINTS, type GenerateOptions } from "./generate.ts";
export { generateSeries, type GeneratedSeries } from "./series.ts";
export { generateBaseline, type Baseline, type BaselineOptions } from "./baselines.ts";
export { planAnomalies, injectAnomaly, earliestStart, MIN_GAP, type PlannedAnomaly, type Canvas } from "./anomalies.ts";
export { createRng, mixSeed, type Rng } from "../random.ts";
