import { expect, test } from "bun:test";
import { SYNTHETIC_DEFAULTS } from "./index.ts";
import { SYNTHETIC_CONFIG_DEFAULTS, SyntheticSourceSchema, toSyntheticSourceConfig } from "./config.ts";

test("defaults: 100 series, the generator's anomaly ratio and seed", () => {
  expect(toSyntheticSourceConfig(SyntheticSourceSchema.parse({ type: "synthetic", id: "s", interval: 2 }))).toEqual({
    type: "synthetic",
    id: "s",
    intervalMs: 2000,
    series: 100,
    anomalyRatio: 0.3,
    seed: 1,
  });
  expect([SYNTHETIC_CONFIG_DEFAULTS.anomaly_ratio, SYNTHETIC_CONFIG_DEFAULTS.seed]).toEqual([SYNTHETIC_DEFAULTS.anomalyRatio, SYNTHETIC_DEFAULTS.seed]);
});

test("refused: no interval, series out of 1..100000, ratio above 1", () => {
  const r = SyntheticSourceSchema.safeParse({ type: "synthetic", id: "s", series: 0, anomaly_ratio: 2 });
  expect(r.error!.issues.map((i) => i.path.join("."))).toEqual(["interval", "series", "anomaly_ratio"]);
  expect(SyntheticSourceSchema.safeParse({ type: "synthetic", id: "s", interval: 1, series: 100_001 }).success).toBe(false);
});
