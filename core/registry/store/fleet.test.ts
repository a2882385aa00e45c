import { describe, expect, test } from "bun:test";
import type { ParsedHeartbeat } from "../../../models/registry-protocol/heartbeat.ts";
import { FLEET_DEFAULTS } from "../fleet/view.ts";
import { openRegistryDb } from "./db.ts";
import { FleetRefusal, FleetStore } from "./fleet.ts";

const hb = (agent_id: string, over: Partial<ParsedHeartbeat> = {}): ParsedHeartbeat => ({
  agent_id,
  host: `${agent_id}.h`,
  agent_version: "1",
  model: { name: "m", version: "1" },
  uptime_s: 1,
  points_per_s: 1,
  anomaly_rate: 0,
  buffer_depth: 0,
  sinks: [],
  last_error: null,
  ...over,
});
const limits = { ...FLEET_DEFAULTS, maxAgents: 3 };
const refusal = (f: () => unknown) => {
  try {
    f();
    return "accepted";
  } catch (e) {
    return e instanceof FleetRefusal ? e.code : `other: ${(e as Error).message}`;
  }
};

describe("FleetStore bounds", () => {
  test("full of live agents: a newcomer is refused, known agents still report; a stale entry is evicted for a newcomer", () => {
    const f = new FleetStore(openRegistryDb(":memory:"), 0);
    for (const id of ["a", "b", "c"]) f.upsert(hb(id, { interval_s: 10 }), 0, limits);
    expect(refusal(() => f.upsert(hb("d"), 1000, limits))).toBe("fleet_full");
    expect(refusal(() => f.upsert(hb("a", { interval_s: 10 }), 20_000, limits))).toBe("accepted");
    // b is now the least recently seen and stale after 3 × 10 s.
    expect(refusal(() => f.upsert(hb("d"), 31_000, limits))).toBe("accepted");
    expect(f.list().map((r) => r.agent_id)).toEqual(["a", "c", "d"]);
  });

  test("host is identity: another host is refused while the entry is live, may take over once it is offline", () => {
    const f = new FleetStore(openRegistryDb(":memory:"), 0);
    f.upsert(hb("a", { interval_s: 10 }), 0, limits);
    expect(refusal(() => f.upsert(hb("a", { host: "evil", interval_s: 10 }), 50_000, limits))).toBe("identity_conflict");
    expect(f.list()[0].heartbeat.host).toBe("a.h");
    expect(refusal(() => f.upsert(hb("a", { host: "new-machine", interval_s: 10 }), 101_000, limits))).toBe("accepted");
    expect(f.list()[0]).toMatchObject({ first_seen_ms: 101_000, heartbeat: { host: "new-machine" } });
  });

  test("claimed intervals are clamped (stored and acknowledged); silent entries are dropped after the retention, in SQLite too", () => {
    const db = openRegistryDb(":memory:");
    const f = new FleetStore(db, 0);
    expect(f.upsert(hb("a", { interval_s: 86_400 }), 0, limits)).toMatchObject({ interval_s: 3600, heartbeat: { interval_s: 3600 } });
    f.upsert(hb("b"), 0, limits);
    f.prune(FLEET_DEFAULTS.retentionS * 1000 + 1, limits);
    f.flush();
    expect(f.size).toBe(0);
    expect((db.query("SELECT count(*) AS n FROM agents").get() as { n: number }).n).toBe(0);
  });

  test("a reopened store is ordered by last seen: pruning to maxAgents drops the oldest", () => {
    const db = openRegistryDb(":memory:");
    const f = new FleetStore(db, 0);
    for (const [i, id] of ["x", "y", "z"].entries()) f.upsert(hb(id), i * 1000, { ...limits, maxAgents: 10 });
    const g = new FleetStore(db, 0);
    g.prune(3000, { ...limits, maxAgents: 2 });
    expect(g.list().map((r) => r.agent_id)).toEqual(["y", "z"]);
  });
});
