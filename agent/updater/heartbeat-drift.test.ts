/**
 * Drift and shadow from the round to the registry: a pipeline whose source drifts, with a
 * shadow model, gives the updater its facts; the heartbeat carries `drift` and `shadow`
 * (bounded, schema-valid); the registry's fleet view shows drift per model version and host,
 * and the `/fleet` page renders it.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Pipeline } from "../../core/pipeline/pipeline.ts";
import { MemorySink } from "../../core/pipeline/testing/memory-sink.ts";
import { ShiftingSource } from "../../core/pipeline/testing/shifting-source.ts";
import { PUB } from "../../core/registry/testing/fixtures.ts";
import { DRIFT_SETTINGS_DEFAULTS } from "../../core/scoring/drift.ts";
import { waitFor } from "../../core/testing/wait-for.ts";
import { createOnlineModel } from "../../models/online/default.ts";
import { HeartbeatSchema, type FleetView } from "../../models/registry-protocol/heartbeat.ts";
import { buildHeartbeat, heartbeatDrift, sendHeartbeat } from "./heartbeat.ts";
import { registryWith, testUpdater } from "./testing/harness.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test("the heartbeat carries drift and shadow; the fleet view and page show drift per version and host", async () => {
  const r = await registryWith(["1"]);
  await r.req("PUT", "/v1/models/m/channels/stable", { body: { version: "1" } });
  const t = await testUpdater(r.app, "edge-07");
  const dir = mkdtempSync(join(tmpdir(), "hb-drift-"));
  dirs.push(dir);
  const source = new ShiftingSource("shifting", 1, 8, { changeAt: 300, shift: 2, scale: 2, changed: (i) => i < 4 });
  const p = new Pipeline({
    agentId: "edge-07",
    hostName: "box",
    dataDir: join(dir, "var"),
    buffer: { type: "memory", maxBytes: 64 << 20, whenFull: "block" },
    sources: [source],
    sinks: [{ id: "mem", driver: { maxWaitMs: 10 }, create: () => new MemorySink("mem") }],
    model: createOnlineModel("online:default"),
    shadow: createOnlineModel("online:default?alarms_per_day=10"),
    drift: { ...DRIFT_SETTINGS_DEFAULTS, stride: 1, reference: 256, halfLife: 128 },
    log: pino({ level: "silent" }),
  });
  await p.start();
  try {
    await waitFor(() => (p.status().drift?.drifted ?? 0) >= 4, { timeoutMs: 60_000 });
    t.up.attach({ ...t.host, current: () => p.model(), facts: () => p.host().facts() });
    const hb = buildHeartbeat(t.up);
    expect(HeartbeatSchema.safeParse(hb).success).toBe(true);
    expect(hb.drift).toMatchObject({ level: 0.25, series: 8, ready: 8 });
    expect(hb.drift!.drifted).toBeGreaterThanOrEqual(4);
    expect(hb.drift!.max_psi).toBeGreaterThanOrEqual(0.25);
    expect(hb.drift!.top!.length).toBeGreaterThan(0);
    expect(hb.shadow).toMatchObject({ model: { name: "online:default", version: "3" }, agreement: expect.any(Number) });
    expect(hb.shadow!.points).toBeGreaterThan(0);
    expect(await sendHeartbeat(t.up)).toBe(true);
  } finally {
    await p.stop();
  }
  const fleet = (await (await r.req("GET", "/v1/fleet")).json()) as FleetView;
  const v = fleet.versions.find((x) => x.model === "online:default")!;
  expect(v.drift).toMatchObject({ agents: 1, score_drifted: 0 });
  expect(v.drift!.drifted_series).toBeGreaterThanOrEqual(4);
  expect(v.drift!.input_psi_max).toBeGreaterThanOrEqual(0.25);
  expect(v.shadows).toMatchObject([{ candidate: "online:default@3", agents: 1 }]);
  expect(fleet.hosts.find((h) => h.host === "box")!.drift!.drifted_series).toBe(v.drift!.drifted_series);
  expect(fleet.agents[0].heartbeat.drift?.drifted).toBe(v.drift!.drifted_series);
  const basic = `Basic ${Buffer.from(`ops:${PUB}`).toString("base64")}`;
  const html = await (await r.req("GET", "/fleet", { token: null, headers: { authorization: basic } })).text();
  expect(html).toContain("drift (score PSI, drifted/series)");
  expect(html).toMatch(new RegExp(`${v.drift!.drifted_series} series drifted \\(max PSI \\d\\.\\d\\d\\)`));
  expect(html).toContain("online:default@3: ");
});

test("heartbeatDrift: numbers clamped to the schema's bounds, series names cut, at most 10 listed", () => {
  const d = heartbeatDrift({
    level: 0.25,
    series: 30,
    ready: 30,
    drifted: 30,
    untracked: 0,
    maxPsi: Number.POSITIVE_INFINITY,
    top: Array.from({ length: 30 }, (_, i) => ({ series: "x".repeat(1000) + i, psi: i === 0 ? Number.NaN : 5000 })),
    score: { model: "m", version: "1", psi: -1, ready: true, drifted: false },
  });
  expect(HeartbeatSchema.shape.drift.safeParse(d).success).toBe(true);
  expect(d.top!.length).toBe(10);
  expect(d.top!.every((x) => x.series.length === 256 && x.psi <= 1000)).toBe(true);
  expect([d.max_psi, d.score.psi, d.top![0].psi]).toEqual([0, 0, 0]);
});
