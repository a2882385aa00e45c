import { z } from "zod";

/**
 * How a series becomes windows. Stored in every bundle manifest so scoring rebuilds exactly
 * the features the model was trained on.
 */
export const FeatureSpecSchema = z
  .object({
    /** Samples per window. */
    window: z.number().int().min(4).max(1024),
    /** Half-life (in samples) of the running noise-scale estimate. */
    scale_half_life: z.number().positive().default(240),
    /** Weight of the log spread-ratio feature appended to each window (0 disables it). */
    spread_weight: z.number().min(0).default(4),
    /** Detect monotonic counters during warm-up and score their per-step increase instead. */
    auto_rate: z.boolean().default(true),
    /** Absolute clip for normalized values. */
    clip: z.number().positive().default(50),
  })
  .strict();

/** Parsed feature specification (snake_case as on disk). */
export type FeatureSpec = z.infer<typeof FeatureSpecSchema>;

/** Numbers per window row for a spec: the window plus the spread feature. */
export function featureWidth(spec: FeatureSpec): number {
  return spec.window + 1;
}

/** Names of the features in a row, as written to the manifest. */
export function featureNames(spec: FeatureSpec): string[] {
  return ["value_z", "log_spread_ratio"].slice(0, 2).map((n, i) => (i === 0 ? `${n}[${spec.window}]` : n));
}

/** A feature spec with defaults for the given window length. */
export function defaultFeatureSpec(window = 32): FeatureSpec {
  return FeatureSpecSchema.parse({ window });
}
