import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { HeartbeatError, MAX_HEARTBEAT_BYTES, parseHeartbeat } from "./parse-heartbeat.ts";

const enc = (v: unknown) => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));
const valid = {
  agent_id: "edge-01",
  host: "h1",
  agent_version: "0.1.0",
  model: { name: "m", version: "1" },
  uptime_s: 60,
  points_per_s: 100,
  anomaly_rate: 0.01,
  buffer_depth: 0,
  sinks: [{ id: "kafka", state: "ok" }],
  last_error: null,
};
// eslint-disable-next-line no-control-regex
const oneLine = /^[^\u0000-\u001f\u007f-\u009f]*$/;

/** What parseHeartbeat did: the value, or the typed refusal (anything else fails the test). */
function outcome(bytes: Uint8Array): { ok: true; hb: ReturnType<typeof parseHeartbeat> } | { ok: false; e: HeartbeatError } {
  try {
    return { ok: true, hb: parseHeartbeat(bytes) };
  } catch (e) {
    expect(e).toBeInstanceOf(HeartbeatError);
    return { ok: false, e: e as HeartbeatError };
  }
}

describe("parseHeartbeat", () => {
  test("valid → parsed; not JSON → 400; invalid → 422 naming every bad field on one line; too large → 413", () => {
    expect(parseHeartbeat(enc(valid)).agent_id).toBe("edge-01");
    const bad = outcome(enc("{nope"));
    expect(bad.ok ? 0 : [bad.e.status, bad.e.code]).toEqual([400, "bad_json"]);
    const inv = outcome(enc({ ...valid, anomaly_rate: 7, host: "h".repeat(300), agent_id: "../x" }));
    if (inv.ok) throw new Error("accepted");
    expect([inv.e.status, inv.e.code]).toEqual([422, "invalid_heartbeat"]);
    expect(inv.e.reason).toMatch(/agent_id: .*; host: .*; anomaly_rate: /);
    expect(inv.e.reason).toMatch(oneLine);
    const big = outcome(new Uint8Array(MAX_HEARTBEAT_BYTES + 1));
    expect(big.ok ? 0 : big.e.status).toBe(413);
  });

  test("drift and shadow: valid ones kept; NaN (null in JSON), negative, huge or infinite numbers and oversized lists refused with the field named", () => {
    const drift = {
      level: 0.25,
      series: 10,
      ready: 10,
      drifted: 1,
      untracked: 0,
      max_psi: 0.4,
      top: [{ series: "cpu{cpu=0}", psi: 0.4 }],
      score: { psi: 0.01, ready: true, drifted: false },
    };
    const shadow = {
      model: { name: "online:default", version: "2" },
      points: 100,
      agreement: 0.99,
      onset_agreement: null,
      flag_rate: 0.02,
      live_flag_rate: 0.01,
      alarm_rate: 0.001,
      live_alarm_rate: 0,
    };
    expect(parseHeartbeat(enc({ ...valid, drift, shadow }))).toMatchObject({ drift, shadow });
    const refused: [string, unknown][] = [
      ["drift.max_psi", { ...drift, max_psi: Number.NaN }], // JSON.stringify sends null
      ["drift.max_psi", { ...drift, max_psi: -0.1 }],
      ["drift.max_psi", { ...drift, max_psi: 1e308 }],
      ["drift.series", { ...drift, series: -1 }],
      ["drift.series", { ...drift, series: 1.5 }],
      ["drift.level", { ...drift, level: 0 }],
      ["drift.top", { ...drift, top: Array.from({ length: 11 }, () => ({ series: "s", psi: 0.1 })) }],
      ["drift.top.0.series", { ...drift, top: [{ series: "s".repeat(257), psi: 0.1 }] }],
      ["drift.top.0.psi", { ...drift, top: [{ series: "s", psi: "1" }] }],
      ["drift.score.psi", { ...drift, score: { psi: -1, ready: true, drifted: true } }],
      ["drift", [drift]],
    ];
    for (const [path, bad] of refused) {
      const r = outcome(enc({ ...valid, drift: bad }));
      if (r.ok) throw new Error(`accepted drift with bad ${path}`);
      expect([r.e.status, r.e.reason.includes(path)]).toEqual([422, true]);
    }
    for (const [path, bad] of [
      ["shadow.agreement", { ...shadow, agreement: 1.5 }],
      ["shadow.points", { ...shadow, points: -5 }],
      ["shadow.flag_rate", { ...shadow, flag_rate: -0.5 }],
      ["shadow.model.name", { ...shadow, model: { name: "x".repeat(100), version: "1" } }],
    ] as const) {
      const r = outcome(enc({ ...valid, shadow: bad }));
      if (r.ok) throw new Error(`accepted shadow with bad ${path}`);
      expect(r.e.reason).toContain(path);
    }
    // a huge array is refused by size before it is parsed
    const huge = outcome(enc({ ...valid, drift: { ...drift, top: Array.from({ length: 5000 }, (_, i) => ({ series: `s${i}`, psi: 0.1 })) } }));
    expect(huge.ok ? 0 : huge.e.status).toBe(413);
  });

  test("property: arbitrary JSON or bytes never throw anything but HeartbeatError, and reasons are one line", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map(enc), fc.uint8Array({ maxLength: 300 }), fc.string({ unit: "binary" }).map(enc)), (bytes) => {
        const r = outcome(bytes);
        if (!r.ok) expect(r.e.reason).toMatch(oneLine);
      }),
      { numRuns: 3000 },
    );
  });

  test("property: a heartbeat with any field replaced by an arbitrary value is either refused or bounded in every string", () => {
    const keys = Object.keys(valid).concat([
      "target",
      "interval_s",
      "load_failures",
      "scoring_failures",
      "channel",
      "scoring_latency_ms_p99",
      "drift",
      "shadow",
    ]);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.oneof(fc.jsonValue(), fc.string({ unit: "binary", maxLength: 5000 })), (key, value) => {
        const r = outcome(enc({ ...valid, [key]: value }));
        if (!r.ok) {
          expect([400, 413, 422]).toContain(r.e.status);
          expect(r.e.reason).toMatch(oneLine);
          return;
        }
        const strings: string[] = [];
        JSON.stringify(r.hb, (_k, v) => (typeof v === "string" && strings.push(v), v));
        for (const s of strings) expect(s.length).toBeLessThanOrEqual(2000);
        expect(JSON.stringify(r.hb).length).toBeLessThan(MAX_HEARTBEAT_BYTES);
        expect(r.hb.agent_id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
        if (r.hb.interval_s !== undefined) expect(r.hb.interval_s).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
});
