/**
 * `type: synthetic` in `sources:`: the YAML schema (defaults declared here once) and its
 * conversion to the runtime config {@link SyntheticSourceConfig}.
 * @module
 */
import { z } from "zod";
import { Duration, durationMs, Id } from "../../config/fields.ts";
import type { SourceConfigBase } from "../component.ts";
import { SYNTHETIC_DEFAULTS } from "./index.ts";

/** Named defaults of the YAML keys. */
export const SYNTHETIC_CONFIG_DEFAULTS = { series: 100, anomaly_ratio: SYNTHETIC_DEFAULTS.anomalyRatio, seed: SYNTHETIC_DEFAULTS.seed } as const;

/** `type: synthetic` — generated series with labelled, injected anomalies. */
export const SyntheticSourceSchema = z
  .object({
    type: z.literal("synthetic"),
    id: Id,
    interval: Duration,
    series: z.number().int().min(1).max(100_000).default(SYNTHETIC_CONFIG_DEFAULTS.series),
    anomaly_ratio: z.number().min(0).max(1).default(SYNTHETIC_CONFIG_DEFAULTS.anomaly_ratio),
    seed: z.number().int().default(SYNTHETIC_CONFIG_DEFAULTS.seed),
  })
  .strict();

/** A parsed `type: synthetic` entry. */
export type SyntheticSourceFile = z.output<typeof SyntheticSourceSchema>;

/** `type: synthetic` runtime config. */
export interface SyntheticSourceConfig extends SourceConfigBase {
  type: "synthetic";
  series: number;
  anomalyRatio: number;
  seed: number;
}

/**
 * Parsed entry → runtime config.
 *
 * @example
 * toSyntheticSourceConfig(SyntheticSourceSchema.parse({ type: "synthetic", id: "s", interval: 2 }));
 * // { type: "synthetic", id: "s", intervalMs: 2000, series: 100, anomalyRatio: 0.3, seed: 1 }
 */
export function toSyntheticSourceConfig(s: SyntheticSourceFile): SyntheticSourceConfig {
  return { type: s.type, id: s.id, intervalMs: durationMs(s.interval), series: s.series, anomalyRatio: s.anomaly_ratio, seed: s.seed };
}
