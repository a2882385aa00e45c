/**
 * Probation of a newly switched model with a real Scorer: only rounds that actually scored
 * count, and a non-finite raw score is a failure (back to the previous model, version rejected).
 */
import { expect, test } from "bun:test";
import { BundleModel } from "../../models/bundle-model.ts";
import type { Detector } from "../../models/detector.ts";
import { defaultFeatureSpec, featureWidth } from "../../models/features/spec.ts";
import { loadModel } from "../../models/load.ts";
import type { Resolution } from "../../models/registry-protocol/protocol.ts";
import { readModelState } from "./state.ts";
import { updaterStatus } from "./status.ts";
import { scorerHost, testUpdater } from "./testing/harness.ts";

/** A bundle model whose detector returns `raw` for every window (NaN: a broken network). */
function constantModel(version: string, raw: number): BundleModel {
  const spec = defaultFeatureSpec(32);
  const detector: Detector = {
    kind: "autoencoder",
    width: featureWidth(spec),
    fit: async () => {},
    scoreRaw: async (b) => new Float32Array(b.n).fill(raw),
    save: async () => ({ params: {}, files: [] }),
    dispose: () => {},
  };
  return new BundleModel("m", version, detector, spec, 1);
}

const res = (version: string): Resolution => ({
  model: "m",
  channel: "stable",
  agent_id: "edge-1",
  bucket: 1,
  version,
  digest: "d".repeat(64),
  cohort: "stable",
  published_at: "2026-01-01T00:00:00.000Z",
  bundle_url: "/x",
});

const noRegistry = { request: () => new Response("{}", { status: 503 }) };

test("a model whose raw scores are NaN is not accepted while the series warm up: it fails its first scored round and is rolled back", async () => {
  const t = await testUpdater(noRegistry, "edge-1");
  const h = scorerHost(t.up, await loadModel("online:default"));
  await t.up.switchTo(constantModel("2", Number.NaN), res("2"));
  const scores: (number | null)[] = [];
  for (let i = 0; i < 45; i++) {
    const records = await h.round([10 + Math.sin(i), 20 + Math.cos(i), 5 + (i % 3), 7]);
    for (const r of records) if (r.kind === "point") scores.push(r.doc.anomaly.score);
  }
  await t.up.saved;
  expect((await readModelState(t.dataDir))?.current ?? null).toBeNull();
  expect(h.scorer.current.name).toBe("online:default");
  expect(updaterStatus(t.up)).toMatchObject({ accepted: null, probation: null, rejected: [{ version: "2" }] });
  expect(scores.every((s) => typeof s === "number" && Number.isFinite(s))).toBe(true);
});

test("a healthy model is accepted only after 5 rounds that scored windows (warm-up rounds do not count)", async () => {
  const t = await testUpdater(noRegistry, "edge-1");
  const h = scorerHost(t.up, await loadModel("online:default"));
  await t.up.switchTo(constantModel("3", 0.2), res("3"));
  for (let i = 0; i < 34 + 4; i++) await h.round([10 + Math.sin(i), 20 + Math.cos(i)]);
  expect(updaterStatus(t.up)).toMatchObject({ accepted: null, probation: { version: "3" } });
  for (let i = 0; i < 3; i++) await h.round([10, 20]);
  await t.up.saved;
  expect(updaterStatus(t.up)).toMatchObject({ accepted: "3", probation: null });
  expect((await readModelState(t.dataDir))?.current?.version).toBe("3");
});
