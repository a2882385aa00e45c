import { expect, test } from "bun:test";
import type { FleetView } from "../../../models/registry-protocol/heartbeat.ts";
import { HeartbeatSchema } from "../../../models/registry-protocol/heartbeat.ts";
import { syntheticFleet } from "../testing/ab-fleet.ts";
import { AB_DEFAULTS, judge } from "./ab-judge.ts";
import { AbTracker } from "./ab-tracker.ts";
import { renderFleetBody } from "./render.ts";

test("the /fleet page shows canary vs stable by numbers: per arm agents, points, rates with CIs, the ratios and the verdict with its reasons", () => {
  const fleet = syntheticFleet({ seed: 2, canaryFactor: 4 });
  const ab = new AbTracker();
  const arms = { canary: "2", stable: "1", since: "2026-05-01T00:00:00.000Z" };
  for (let r = 0; r < 70; r++)
    for (let a = 0; a < 20; a++) ab.record(HeartbeatSchema.parse(fleet.heartbeat(`a${a}`, "m", a % 2 ? "2" : "1", a % 2 === 1)), 10, arms, () => true);
  const cmp = judge(ab.get("m", arms)!, Date.parse(arms.since) + 700_000, AB_DEFAULTS);
  const view: FleetView = {
    generated_at: "2026-05-01T00:11:40.000Z",
    counts: { total: 0, ok: 0, stale: 0, offline: 0 },
    agents: [],
    versions: [],
    hosts: [],
    canaries: [{ model: "m", canary: { version: "2", rollout: 0, stats: null }, stable: { version: "1", stats: null }, verdict: "worse", ab: cmp }],
  };
  const html = renderFleetBody(view, []);
  expect(html).toContain("Canary vs stable by numbers");
  expect(html).toContain(">worse</span>");
  expect(html).toContain("alarm_rate: canary");
  const anomaly = cmp.metrics[0];
  expect(html).toContain(`${(anomaly.canary.rate! * 100).toFixed(2)}%`);
  expect(html).toContain(`×${anomaly.ratio!.ratio.toFixed(2)}`);
  expect(html).toContain(String(cmp.canary.points));
});
