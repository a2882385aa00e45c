import { expect, test } from "bun:test";
import type { AnomalyRecord, DriftRecord } from "../../events.ts";
import { makeDrift } from "../testing/records.ts";
import { alertLabels, DRIFT_ALERTNAME, MAX_LABEL_VALUE, OpenAlerts, toAlert, toDriftAlert } from "./alerts.ts";
import { event } from "./testing/events.ts";

const shape = { alertname: "AgentAnomaly", severity: "page", labels: { team: "ops" } };
const NOW = Date.UTC(2026, 5, 1, 12);
const doc = (state: "open" | "close", at = NOW - 60_000, extra: Record<string, string> = {}) => event("edge-1", "s0", 7, state, at, extra).doc as AnomalyRecord;

test("labels: identity first, static labels, then the metric's, made valid; taken names become exported_*", () => {
  const labels = alertLabels(doc("open", NOW, { host: "inner", "disk.dev": "sda", "9lives": "y", team: "t", empty: "" }), shape);
  expect(labels).toEqual({
    alertname: "AgentAnomaly",
    severity: "page",
    agent: "edge-1",
    host: "edge-1",
    metric: "cpu.busy",
    team: "ops",
    series: "s0",
    exported_host: "inner",
    disk_dev: "sda",
    _9lives: "y",
    exported_team: "t",
  });
  expect(alertLabels(doc("open", NOW, { x: "v".repeat(5000) }), shape).x).toHaveLength(MAX_LABEL_VALUE);
});

test("times: open valid for validFor from now, close ends at the anomaly's end; future times brought back to now", () => {
  const open = toAlert(doc("open"), shape, NOW, 240_000);
  expect([open.startsAt, open.endsAt]).toEqual([new Date(NOW - 60_000).toISOString(), new Date(NOW + 240_000).toISOString()]);
  const close = toAlert(doc("close"), shape, NOW, 240_000);
  expect([close.startsAt, close.endsAt]).toEqual([new Date(NOW - 65_000).toISOString(), new Date(NOW - 60_000).toISOString()]);
  const ahead = toAlert(doc("close", NOW + 3_600_000), shape, NOW, 240_000);
  expect([ahead.startsAt, ahead.endsAt]).toEqual([new Date(NOW).toISOString(), new Date(NOW).toISOString()]);
  expect(open.annotations).toMatchObject({ score: "0.97", threshold: "0.8", model: "online:default@3", points: "4", event_id: "edge-1:7" });
  const hostile = { ...doc("open"), anomaly: { ...doc("open").anomaly, start: "not a date" } };
  expect(toAlert(hostile, shape, NOW, 1000).startsAt).toBe(new Date(NOW).toISOString());
});

test("the open set: close forgets, re-open replaces, bounded with the overflow counted", () => {
  const set = new OpenAlerts(2);
  const a = (series: string, state: "open" | "close") => toAlert(event("h", series, 1, state, NOW).doc as AnomalyRecord, shape, NOW, 1000);
  expect(set.apply("open", a("s1", "open"))).toBe(true);
  expect(set.apply("open", a("s1", "open"))).toBe(true);
  expect(set.apply("open", a("s2", "open"))).toBe(true);
  expect(set.apply("open", a("s3", "open"))).toBe(false);
  expect([set.size, set.dropped]).toEqual([2, 1]);
  set.apply("close", a("s1", "close"));
  expect(set.apply("open", a("s3", "open"))).toBe(true);
  expect(set.refreshed(NOW + 5000).map((x) => [x.labels.series, x.endsAt])).toEqual([
    ["s2", new Date(NOW + 5000).toISOString()],
    ["s3", new Date(NOW + 5000).toISOString()],
  ]);
});

test("drift events: an AgentDrift alert per series and stream, opened on start and resolved on end", () => {
  const drift = (state: "start" | "end", at: number) => {
    const r = makeDrift("edge-1", 19);
    const d = r.doc as DriftRecord;
    return { ...d, "@timestamp": new Date(at).toISOString(), drift: { ...d.drift, state } };
  };
  const start = toDriftAlert(drift("start", NOW - 1000), shape, NOW, 240_000);
  expect(start.labels).toMatchObject({ alertname: DRIFT_ALERTNAME, severity: "page", agent: "edge-1", stream: "input", team: "ops" });
  expect([start.startsAt, start.endsAt]).toEqual([new Date(NOW - 1000).toISOString(), new Date(NOW + 240_000).toISOString()]);
  expect(start.annotations.summary).toContain("PSI");
  const end = toDriftAlert(drift("end", NOW - 10), shape, NOW, 240_000);
  expect(end.endsAt).toBe(new Date(NOW - 10).toISOString());
  // the same identity: the open set resolves the start with the end
  const set = new OpenAlerts(10);
  set.apply("open", start);
  expect(set.size).toBe(1);
  set.apply("close", end);
  expect(set.size).toBe(0);
  // and it is not the identity of an anomaly on the same series
  expect(start.labels.alertname).not.toBe(toAlert(doc("open"), shape, NOW, 1).labels.alertname);
});

test("a host-model event (scoring.host) carries its contributors as an annotation; a per-series one has none", () => {
  expect(toAlert(doc("open"), shape, NOW, 240_000).annotations.contributors).toBeUndefined();
  const d = doc("open");
  const host = {
    ...d,
    metric: { name: "agent.host", labels: { group: "host" } },
    anomaly: {
      ...d.anomaly,
      contributors: [
        { name: "disk.reads_per_sec{device=vda}", share: 0.62 },
        { name: "cpu.iowait", share: 0.06 },
      ],
    },
  };
  expect(toAlert(host, shape, NOW, 240_000).annotations.contributors).toBe("disk.reads_per_sec{device=vda} 62%, cpu.iowait 6%");
});
