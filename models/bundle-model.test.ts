import { describe, expect, test } from "bun:test";
import { BundleModel } from "./bundle-model.ts";
import type { Detector } from "./detector.ts";
import { RobustZScore } from "./detectors/robust-zscore/robust-zscore.ts";
import { defaultFeatureSpec, featureWidth } from "./features/spec.ts";
import { MISSING_SCORE } from "./model.ts";

const spec = defaultFeatureSpec(32);

function zscoreModel(): BundleModel {
  return new BundleModel("m", "1", new RobustZScore({ window: spec.window, extra: featureWidth(spec) - spec.window, method: "max" }), spec, 3);
}

/** Scores `ticks` ticks of `n` gentle series; `hostile(t)` (when given) is series 1's value instead. */
async function run(model: BundleModel, ticks: number, n: number, hostile?: (t: number) => number): Promise<Float32Array[]> {
  const states = Array.from({ length: n }, () => model.createState());
  const out: Float32Array[] = [];
  for (let t = 0; t < ticks; t++) {
    const values = Array.from({ length: n }, (_, s) => (s === 1 && hostile ? hostile(t) : 50 + 10 * s + 3 * Math.sin((t + s) / 4)));
    out.push(await model.scoreTick(states, values));
  }
  return out;
}

describe("BundleModel.scoreTick with hostile values", () => {
  test("one series at ±1e308 is flagged alone; the other series score exactly as without it", async () => {
    const clean = await run(zscoreModel(), 45, 4);
    const mixed = await run(zscoreModel(), 45, 4, (t) => (t % 2 ? 1e308 : -1e308));
    for (let t = 0; t < 45; t++) {
      for (const s of [0, 2, 3]) expect(mixed[t][s]).toBe(clean[t][s]);
      expect(Number.isFinite(mixed[t][1])).toBe(true);
    }
    expect(mixed.at(-1)![1]).toBe(MISSING_SCORE);
  });

  test("a NaN raw score stays NaN (never a passing 0); lastTickScored counts full windows only", async () => {
    const detector: Detector = {
      kind: "autoencoder",
      width: featureWidth(spec),
      fit: async () => {},
      save: async () => ({ params: {}, files: [] }),
      dispose() {},
      scoreRaw: async (b) => new Float32Array(b.n).fill(Number.NaN),
    };
    const model = new BundleModel("m", "1", detector, spec, 1);
    const ticks = await run(model, spec.window + 3, 2);
    expect(Array.from(ticks[0])).toEqual([0, 0]);
    expect(ticks.at(-1)!.every(Number.isNaN)).toBe(true);
    expect(model.lastTickScored).toBe(2);
  });
});
