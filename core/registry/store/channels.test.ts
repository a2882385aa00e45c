import { expect, test } from "bun:test";
import { FLEET_DEFAULTS } from "../fleet/view.ts";
import { createRegistryStore } from "./index.ts";

test("rollback walks back through earlier versions, skipping rollout-only changes", () => {
  const { channels, versions } = createRegistryStore();
  for (const v of ["1", "2", "3"])
    versions.insert({ model: "m", version: v, digest: v, manifest: "{}", detector: "x", bytes: 0, signature: null, published_at: "t", published_by: "p" });
  channels.set("m", "stable", "1", 100, "set");
  channels.set("m", "stable", "2", 100, "set");
  channels.set("m", "stable", "2", 50, "set");
  channels.set("m", "stable", "3", 100, "set");
  let t = channels.rollbackTarget("m", "stable")!;
  expect(t.version).toBe("2");
  channels.set("m", "stable", t.version, 100, "rollback", t.historyId);
  t = channels.rollbackTarget("m", "stable")!;
  expect(t.version).toBe("1");
  channels.set("m", "stable", t.version, 100, "rollback", t.historyId);
  expect(channels.rollbackTarget("m", "stable")).toBeUndefined();
  expect(channels.get("m", "stable")).toMatchObject({ version: "1", rollout: 100 });
});

test("channel state survives a reopen of the database", async () => {
  const dir = `${require("node:os").tmpdir()}/reg-ch-${process.pid}-${Date.now()}`;
  const a = createRegistryStore({ dataDir: dir });
  a.versions.insert({ model: "m", version: "1", digest: "d", manifest: "{}", detector: "x", bytes: 0, signature: null, published_at: "t", published_by: "p" });
  a.channels.set("m", "canary", "1", 25, "set");
  a.close();
  const b = createRegistryStore({ dataDir: dir });
  expect(b.channels.get("m", "canary")).toMatchObject({ version: "1", rollout: 25 });
  expect(b.versions.get("m", "1")?.digest).toBe("d");
  b.close();
});

test("heartbeats reach SQLite on flush and on close, and a reopened store knows its fleet", async () => {
  const dir = `${require("node:os").tmpdir()}/reg-fleet-${process.pid}-${Date.now()}`;
  const a = createRegistryStore({ dataDir: dir, fleetFlushMs: 60_000 });
  const hb = {
    agent_id: "a1",
    host: "h",
    agent_version: "1",
    model: { name: "m", version: "1" },
    uptime_s: 1,
    points_per_s: 1,
    anomaly_rate: 0,
    buffer_depth: 0,
    sinks: [],
    last_error: null,
  };
  a.fleet.upsert(hb, 1000, FLEET_DEFAULTS);
  expect((a.db.query("SELECT count(*) AS n FROM agents").get() as { n: number }).n).toBe(0);
  a.fleet.flush();
  expect((a.db.query("SELECT count(*) AS n FROM agents").get() as { n: number }).n).toBe(1);
  a.fleet.upsert({ ...hb, agent_id: "a2" }, 2000, FLEET_DEFAULTS);
  a.close();
  const b = createRegistryStore({ dataDir: dir });
  expect(b.fleet.list().map((r) => r.agent_id)).toEqual(["a1", "a2"]);
  b.close();
});
