/**
 * The canary judged by numbers, over real HTTP: a registry server on a free port (virtual
 * clock), agents that resolve and post heartbeats as the updater does, with seeded binomial
 * and Poisson noise (core/registry/testing/ab-fleet.ts).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AbComparison } from "../../models/registry-protocol/ab.ts";
import type { FleetView, Heartbeat } from "../../models/registry-protocol/heartbeat.ts";
import type { RegistryEvent, Resolution } from "../../models/registry-protocol/protocol.ts";
import { startRegistryServer, type RunningRegistry } from "./server.ts";
import { syntheticFleet } from "./testing/ab-fleet.ts";
import { trainedEnvelope } from "./testing/fixtures.ts";

/** A valid heartbeat `drift` object (its score PSI is what the hostile cases break). */
const DRIFT = { level: 0.25, series: 10, ready: 10, drifted: 0, untracked: 0, max_psi: 0.05, top: [] };
const PUB = "pub_ab-test-publisher";
const AGT = "agt_ab-test-agent";
const running: RunningRegistry[] = [];
afterAll(async () => {
  for (const r of running) await r.stop().catch(() => {});
});

async function fleetRegistry(canaryFactor: number, seed: number, agents = 30) {
  let now = Date.parse("2026-05-01T00:00:00Z");
  const dir = join(await mkdtemp(join(tmpdir(), "reg-ab-")), "data");
  const reg = await startRegistryServer({ dataDir: dir, port: 0, publisherTokens: [PUB], agentTokens: [AGT], legacyAgentTokens: true, now: () => now });
  running.push(reg);
  const call = (method: string, path: string, token: string, body?: unknown) =>
    fetch(reg.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  for (const v of ["1", "2"]) expect((await call("POST", "/v1/models/m/versions", PUB, await trainedEnvelope("robust-zscore", "m", v))).status).toBe(201);
  await call("PUT", "/v1/models/m/channels/stable", PUB, { version: "1" });
  await call("PUT", "/v1/models/m/channels/canary", PUB, { version: "2", rollout: 50 });
  const fleet = syntheticFleet({ seed, canaryFactor });
  const running_: Map<string, Resolution> = new Map();
  /** One heartbeat interval: every agent polls resolve, then posts its heartbeat. */
  const round = async () => {
    now += 10_000;
    for (let a = 0; a < agents; a++) {
      const id = `edge-${a}`;
      const r = (await (await call("GET", `/v1/models/m/channels/stable/resolve?agent_id=${id}`, AGT)).json()) as Resolution;
      running_.set(id, r);
      const hb: Heartbeat = fleet.heartbeat(id, "m", r.version, r.cohort === "canary");
      const res = await call("POST", "/v1/heartbeat", AGT, hb);
      expect(res.status).toBe(200);
    }
  };
  const view = async () => (await (await call("GET", "/v1/fleet", PUB)).json()) as FleetView;
  const events = async () => ((await (await call("GET", "/v1/events?type=canary_rollback", PUB)).json()) as { events: RegistryEvent[] }).events;
  return { reg, call, round, view, events, running: running_ };
}

describe("canary judged by numbers (real HTTP, seeded synthetic fleet of 30 agents, heartbeats every 10 s)", () => {
  test("a canary that alarms 4× more than stable is rolled back with the numbers in the event; agents are told rollback: true", async () => {
    const f = await fleetRegistry(4, 1);
    let rounds = 0;
    for (; rounds < 40; rounds++) {
      await f.round();
      if (rounds === 3) {
        const early = (await f.view()).canaries[0];
        expect(early.ab?.verdict).toBe("insufficient");
        expect(early.canary.rollout).toBe(50);
      }
    }
    for (; rounds < 120 && (await f.events()).length === 0; rounds++) await f.round();
    const [event] = await f.events();
    expect(event).toBeDefined();
    const cmp = event.detail.comparison as AbComparison;
    expect(event).toMatchObject({ type: "canary_rollback", version: "2", actor: "canary-guard", detail: { previous_rollout: 50 } });
    expect(cmp.verdict).toBe("worse");
    const alarm = cmp.metrics.find((m) => m.name === "alarm_rate")!;
    const anomaly = cmp.metrics.find((m) => m.name === "anomaly_rate")!;
    expect(alarm.ratio!.lower).toBeGreaterThan(2);
    expect(anomaly.ratio!.lower).toBeGreaterThan(2);
    expect(cmp.canary.agents).toBeGreaterThanOrEqual(3);
    expect(cmp.stable.agents).toBeGreaterThanOrEqual(3);
    expect(String(event.detail.reason)).toContain("alarm_rate: canary");
    console.log(`rollback after ${rounds * 10} s: ${event.detail.reason}`);
    console.log(`event detail: ${JSON.stringify({ ...event.detail, comparison: { canary: cmp.canary, stable: cmp.stable, metrics: cmp.metrics } })}`);
    const v = await f.view();
    expect(v.canaries[0]).toMatchObject({ canary: { rollout: 0 }, ab: { verdict: "worse" } });
    await f.round();
    for (const r of f.running.values()) expect([r.version, r.rollback]).toEqual(["1", true]);
  }, 120_000);

  test("an equal canary is not rolled back over 1 h of heartbeats (360 rounds × 30 agents); the fleet view shows rates with CIs and verdict ok", async () => {
    const f = await fleetRegistry(1, 2);
    for (let i = 0; i < 360; i++) await f.round();
    expect(await f.events()).toEqual([]);
    const k = (await f.view()).canaries[0];
    expect(k.canary.rollout).toBe(50);
    expect(k.verdict).toBe("ok");
    const ab = k.ab!;
    expect(ab.verdict).toBe("ok");
    for (const m of ab.metrics.slice(0, 2)) {
      expect(m.canary.lower!).toBeLessThanOrEqual(m.canary.rate!);
      expect(m.ratio!.lower).toBeLessThan(1);
      expect(m.ratio!.upper).toBeGreaterThan(1);
    }
    console.log(
      `equal canary after 3600 s: ${ab.canary.agents}+${ab.stable.agents} agents, ${ab.canary.points}+${ab.stable.points} points; ` +
        ab.metrics.map((m) => `${m.name} ratio ${m.ratio?.ratio.toFixed(2)} [${m.ratio?.lower.toFixed(2)}, ${m.ratio?.upper.toFixed(2)}]`).join("; "),
    );
  }, 300_000);

  test("hostile heartbeat numbers are refused by the schema (422 naming the field; NaN is not JSON: 400) and never reach the sums", async () => {
    const f = await fleetRegistry(1, 3, 4);
    await f.round();
    const before = (await f.view()).canaries[0].ab!;
    const base = syntheticFleet({ seed: 9 }).heartbeat("edge-0", "m", f.running.get("edge-0")!.version, f.running.get("edge-0")!.cohort === "canary");
    const cases: [Record<string, unknown>, number, string][] = [
      [{ anomaly_rate: 1.5 }, 422, "anomaly_rate"],
      [{ anomaly_rate: -0.1 }, 422, "anomaly_rate"],
      [{ points: -5 }, 422, "points"],
      [{ points: 1e300 }, 422, "points"],
      [{ points: 10.5 }, 422, "points"],
      [{ alarms: -1 }, 422, "alarms"],
      [{ alarms: 1e13 }, 422, "alarms"],
      [{ flagged: 700, points: 600 }, 422, "flagged"],
      [{ series: 1e9 }, 422, "series"],
      [{ alarms: "NaN" }, 422, "alarms"],
      [{ drift: { ...DRIFT, score: { psi: -1, ready: true, drifted: false } } }, 422, "drift.score.psi"],
      [{ drift: { ...DRIFT, score: { psi: 1e9, ready: true, drifted: true } } }, 422, "drift.score.psi"],
    ];
    for (const [over, status, field] of cases) {
      const res = await f.call("POST", "/v1/heartbeat", AGT, { ...base, ...over });
      expect([JSON.stringify(over), res.status]).toEqual([JSON.stringify(over), status]);
      expect(((await res.json()) as { reason: string }).reason).toContain(field);
    }
    const nan = await f.call("POST", "/v1/heartbeat", AGT, JSON.stringify(base).replace(/"alarms":\d+/, '"alarms":NaN'));
    expect(nan.status).toBe(400);
    const after = (await f.view()).canaries[0].ab!;
    expect([after.canary.heartbeats + after.stable.heartbeats, after.canary.points + after.stable.points]).toEqual([
      before.canary.heartbeats + before.stable.heartbeats,
      before.canary.points + before.stable.points,
    ]);
  }, 60_000);

  test("heartbeats of a version from agents never seen resolving it are not counted in its arm; a new PUT of the canary starts afresh", async () => {
    const f = await fleetRegistry(1, 4, 4);
    await f.round();
    const before = (await f.view()).canaries[0].ab!;
    const forged = syntheticFleet({ seed: 5, canaryFactor: 50 }).heartbeat("forged-1", "m", "2", true);
    expect((await f.call("POST", "/v1/heartbeat", AGT, forged)).status).toBe(200);
    const after = (await f.view()).canaries[0].ab!;
    expect(after.canary.agents).toBe(before.canary.agents);
    expect(after.canary.points).toBe(before.canary.points);
    // setting the canary again starts the comparison afresh
    expect((await f.call("PUT", "/v1/models/m/channels/canary", PUB, { version: "2", rollout: 50 })).status).toBe(200);
    expect((await f.view()).canaries[0].ab).toBeNull();
    await f.round();
    expect((await f.view()).canaries[0].ab!.canary.heartbeats + (await f.view()).canaries[0].ab!.stable.heartbeats).toBe(4);
  }, 60_000);
});
