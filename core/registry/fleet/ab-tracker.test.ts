import { describe, expect, test } from "bun:test";
import { HeartbeatSchema, type Heartbeat } from "../../../models/registry-protocol/heartbeat.ts";
import { AbTracker } from "./ab-tracker.ts";

const hb = (agent: string, version: string, over: Partial<Heartbeat> = {}) =>
  HeartbeatSchema.parse({
    agent_id: agent,
    host: `${agent}.example`,
    agent_version: "0.1.0",
    model: { name: "m", version },
    uptime_s: 60,
    points_per_s: 60,
    anomaly_rate: 0.01,
    buffer_depth: 0,
    sinks: [],
    last_error: null,
    points: 600,
    flagged: 6,
    alarms: 1,
    series: 20,
    ...over,
  });
const arms = { canary: "2", stable: "1", since: "2026-05-01T00:00:00.000Z" };
const all = () => true;

describe("AbTracker", () => {
  test("sums per agent and arm; heartbeats of other versions or of agents not counted are left out", () => {
    const ab = new AbTracker();
    ab.record(hb("a", "2"), 10, arms, all);
    ab.record(hb("a", "2"), 10, arms, all);
    ab.record(hb("b", "1"), 10, arms, all);
    expect(ab.record(hb("c", "7"), 10, arms, all)).toBeUndefined();
    expect(ab.record(hb("d", "2"), 10, arms, () => false)).toBeUndefined();
    const e = ab.get("m", arms)!;
    expect(e.arms.canary.get("a")).toMatchObject({ points: 1200, flagged: 12, alarms: 2, heartbeats: 2, seconds: 20 });
    expect(e.arms.canary.get("a")!.seriesHours).toBeCloseTo((2 * 20 * 10) / 3600, 9);
    expect([...e.arms.stable.keys()]).toEqual(["b"]);
    expect(e.arms.canary.has("d")).toBe(false);
  });

  test("a claimed interval is bounded: a tiny points_per_s cannot stretch an agent's covered time beyond 3 intervals", () => {
    const ab = new AbTracker();
    ab.record(hb("a", "2", { points_per_s: 1e-9 }), 10, arms, all);
    expect(ab.get("m", arms)!.arms.canary.get("a")!.seconds).toBe(30);
  });

  test("older agents without counts: points and flagged are estimated from points_per_s and anomaly_rate; no alarm exposure", () => {
    const ab = new AbTracker();
    ab.record(hb("a", "2", { points: undefined, flagged: undefined, alarms: undefined, series: undefined }), 10, arms, all);
    expect(ab.get("m", arms)!.arms.canary.get("a")).toMatchObject({ points: 600, flagged: 6, alarms: 0, seriesHours: 0 });
  });

  test("bounded: agents per arm beyond the cap are not counted, the least recently updated model is dropped, other versions start afresh", () => {
    const ab = new AbTracker(2, 2);
    for (const a of ["a", "b", "c"]) ab.record(hb(a, "2"), 10, arms, all);
    expect(ab.get("m", arms)!.arms.canary.size).toBe(2);
    ab.record(HeartbeatSchema.parse({ ...hb("x", "2"), model: { name: "n", version: "2" } }), 10, arms, all);
    ab.record(HeartbeatSchema.parse({ ...hb("x", "2"), model: { name: "o", version: "2" } }), 10, arms, all);
    expect(ab.get("m", arms)).toBeUndefined();
    ab.record(hb("a", "3"), 10, { ...arms, canary: "3" }, all);
    expect(ab.get("m", arms)).toBeUndefined();
    expect(ab.get("m", { canary: "3", stable: "1" })!.arms.canary.size).toBe(1);
    ab.reset("m");
    expect(ab.get("m", { canary: "3", stable: "1" })).toBeUndefined();
  });
});
