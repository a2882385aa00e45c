import { expect, test } from "bun:test";
import { RoundStats } from "./stats.ts";

test("an interval's points/s, anomaly rate, p99 latency and counts; take() starts the next interval", () => {
  let t = 0;
  const s = new RoundStats(() => t);
  for (let i = 1; i <= 100; i++) s.add({ points: 10, flagged: i === 1 ? 5 : 0, latencyMs: i, opened: i % 50 === 0 ? 1 : 0, series: 10 });
  t = 10_000;
  expect(s.take()).toEqual({ points_per_s: 100, anomaly_rate: 0.005, scoring_latency_ms_p99: 99, points: 1000, flagged: 5, alarms: 2, series: 10 });
  t = 20_000;
  expect(s.take()).toEqual({ points_per_s: 0, anomaly_rate: 0, points: 0, flagged: 0, alarms: 0, series: 0 });
});
