import { describe, expect, test } from "bun:test";
import { createOnlineModel } from "./default.ts";
import { hostTraceReport, readHostTrace } from "./host-trace.ts";

describe("a real host trace (testdata/host-trace: 5 s procfs samples, idle then stress-ng phases)", () => {
  const trace = readHostTrace();

  test("the fixture: ≥ 30 minutes, 4 load phases after an idle phase", () => {
    const minutes = (trace.timestamps[trace.timestamps.length - 1] - trace.timestamps[0]) / 60_000;
    expect(minutes).toBeGreaterThanOrEqual(30);
    expect(trace.phases.map((p) => p.name)).toEqual(["cpu", "vm", "hdd", "sock"]);
    expect(trace.series.length).toBeGreaterThan(50);
  });

  test("online:default: idle ≤ 1 alarm per series-hour, no alarm on a constant series, every load onset alarmed within 3 samples", async () => {
    const r = await hostTraceReport(createOnlineModel("online:default"), trace);
    console.log(JSON.stringify({ ...r, onsets: r.onsets.map((o) => ({ ...o, series: o.series?.slice(0, 4) })) }));
    expect(r.idleAlarmsPerSeriesHour).toBeLessThanOrEqual(1);
    expect(r.idleMaxAlarms.alarms).toBeLessThanOrEqual(Math.max(1, Math.ceil(r.idleMinutes / 60)));
    expect(r.constantSeries).toBeGreaterThan(0);
    expect(r.constantWithAlarms).toEqual([]);
    expect(r.onsets.filter((o) => !o.found).map((o) => o.phase)).toEqual([]);
  });

  test("the former detector (online:window) floods the same idle phase: the regression this guards against", async () => {
    const r = await hostTraceReport(createOnlineModel("online:window"), trace);
    expect(r.idleAlarmsPerSeriesHour).toBeGreaterThan(10);
    expect(r.constantWithAlarms.length).toBeGreaterThan(0);
  });
});
