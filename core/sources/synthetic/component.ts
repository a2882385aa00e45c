/**
 * The synthetic source as a configurable component (see ../component.ts): schema, conversion,
 * factory and the `agent config example` block.
 * @module
 */
import { defineSource } from "../component.ts";
import { SYNTHETIC_CONFIG_DEFAULTS as D, SyntheticSourceSchema, toSyntheticSourceConfig } from "./config.ts";
import { createSyntheticSource } from "./index.ts";

/** `type: synthetic`. */
export const syntheticSource = defineSource({
  schema: SyntheticSourceSchema,
  toConfig: toSyntheticSourceConfig,
  build: (c) => createSyntheticSource({ id: c.id, intervalMs: c.intervalMs, series: c.series, anomalyRatio: c.anomalyRatio, seed: c.seed }),
  example: {
    enabled: true,
    yaml: `  # Generated series with labelled anomalies: a demo and a smoke test that needs nothing.
  - type: synthetic
    id: synth
    interval: 1s
    series: 50             # how many series (default ${D.series})
    anomaly_ratio: 0.3     # share of series that get an injected anomaly (default ${D.anomaly_ratio})
    seed: 7                # same seed, same data (default ${D.seed})`,
  },
});
