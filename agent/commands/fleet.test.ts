import { expect, test } from "bun:test";
import { buildFleetView, FLEET_DEFAULTS } from "../../core/registry/fleet/view.ts";
import { formatFleet } from "./fleet.ts";

test("formatFleet prints agents, model versions and canary vs stable as aligned columns", () => {
  const now = Date.parse("2026-05-01T00:01:00Z");
  const hb = (id: string, version: string, over = {}) => ({
    agent_id: id,
    host: `${id}.example`,
    agent_version: "0.1.0",
    model: { name: "host-ae", version },
    uptime_s: 3600,
    points_per_s: 120.5,
    anomaly_rate: 0.0123,
    buffer_depth: 4,
    sinks: [{ id: "kafka", state: "ok" }],
    last_error: null,
    ...over,
  });
  const records = [
    { agent_id: "edge-01", last_seen_ms: now - 5000, first_seen_ms: 0, interval_s: 10, heartbeat: hb("edge-01", "7") },
    {
      agent_id: "edge-02",
      last_seen_ms: now - 45_000,
      first_seen_ms: 0,
      interval_s: 10,
      heartbeat: hb("edge-02", "8", { scoring_failures: 2, last_error: "NaN" }),
    },
  ];
  const channels = [
    { model: "host-ae", channel: "stable" as const, version: "7", rollout: 100, updated_at: "" },
    { model: "host-ae", channel: "canary" as const, version: "8", rollout: 0, updated_at: "" },
  ];
  const text = formatFleet(buildFleetView(records, now, FLEET_DEFAULTS, ["host-ae"], () => channels));
  const lines = text.split("\n");
  expect(lines[0]).toBe("2 agents: 1 ok, 1 stale, 0 offline (2026-05-01T00:01:00.000Z)");
  expect(lines[2]).toMatch(/^AGENT\s+STATUS\s+HOST\s+MODEL/);
  expect(lines[3]).toMatch(/^edge-01\s+ok\s+edge-01\.example\s+host-ae@7\s+3600s\s+120\.5\s+1\.23%\s+4\s+kafka:ok/);
  expect(lines[4]).toContain("stale");
  expect(lines[4]).toContain("NaN");
  expect(lines[3].indexOf("host-ae@7")).toBe(lines[2].indexOf("MODEL"));
  expect(text).toContain("host-ae@8");
  expect(text).toMatch(/host-ae\s+7\s+8\s+0%.*failing \(rolled back\)/);
});
