import { describe, expect, test } from "bun:test";
import { HeartbeatSchema } from "../../../models/registry-protocol/heartbeat.ts";
import { syntheticFleet } from "../testing/ab-fleet.ts";
import { AB_DEFAULTS, judge, type AbOptions } from "./ab-judge.ts";
import { estimateRate, normalQuantile, ratioCI, tQuantile } from "./ab-stats.ts";
import { AbTracker } from "./ab-tracker.ts";

const T0 = Date.parse("2026-05-01T00:00:00Z");

/** Runs `rounds` heartbeat intervals of `agents` agents (every other one on the canary); returns the verdict after each round. */
function simulate(seed: number, canaryFactor: number, rounds: number, agents = 30, o: AbOptions = AB_DEFAULTS) {
  const fleet = syntheticFleet({ seed, canaryFactor });
  const ab = new AbTracker();
  const arms = { canary: "2", stable: "1", since: new Date(T0).toISOString() };
  const out = [];
  for (let r = 1; r <= rounds; r++) {
    for (let a = 0; a < agents; a++) {
      const canary = a % 2 === 0;
      ab.record(HeartbeatSchema.parse(fleet.heartbeat(`a${a}`, "m", canary ? "2" : "1", canary)), 10, arms, () => true);
    }
    out.push(judge(ab.get("m", arms)!, T0 + r * 10_000, o));
  }
  return out;
}

describe("statistics", () => {
  test("normal and t quantiles match the tables", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(tQuantile(0.95, 4)).toBeCloseTo(2.776, 1);
    expect(tQuantile(0.95, 14)).toBeCloseTo(2.145, 2);
    expect(tQuantile(0.95, 1e9)).toBeCloseTo(1.96, 2);
  });
  test("one agent with a huge sample cannot dominate the rate: its weight is capped at 3× the median agent", () => {
    const units = [...Array.from({ length: 9 }, () => ({ num: 4, den: 1000 })), { num: 500, den: 1_000_000 }];
    const e = estimateRate(units, "proportion");
    // pooled it would be ≈ 0.00053; capped, the nine normal agents keep it near their 0.004
    expect(e.rate!).toBeGreaterThan(0.003);
    expect(e.agents).toBe(10);
  });
  test("a ratio with no events on either side is finite (rates floored) and the interval contains 1", () => {
    const zero = estimateRate(
      [
        { num: 0, den: 1000 },
        { num: 0, den: 1000 },
        { num: 0, den: 1000 },
      ],
      "proportion",
    );
    const ci = ratioCI(zero, zero, 1e-4)!;
    expect(ci.ratio).toBe(1);
    expect(ci.lower).toBeLessThanOrEqual(1);
  });
});

describe("judge on a synthetic fleet (seeded binomial/Poisson noise, heterogeneous agents)", () => {
  test("below the minimum sample there is no verdict, even for a 4× canary, and the reasons say what is missing", () => {
    const v = simulate(3, 4, 1);
    expect(v[0].verdict).toBe("insufficient");
    expect(v[0].reasons.join("; ")).toContain("of 10000 points");
    expect(v[0].reasons.join("; ")).toContain("of 600 s since the canary was set");
  });

  test("a canary that alarms 4× more is judged worse on every seed once the minimum sample is reached", () => {
    const first: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const v = simulate(seed, 4, 120);
      const i = v.findIndex((x) => x.verdict === "worse");
      expect(i).toBeGreaterThanOrEqual(59); // not before 600 s
      first.push((i + 1) * 10);
      const m = v[i].metrics.find((x) => x.worse)!;
      expect(m.ratio!.lower).toBeGreaterThan(2);
    }
    console.log(`4× canary judged worse after ${Math.min(...first)}–${Math.max(...first)} s (20 seeds, 30 agents, min 600 s)`);
  }, 30_000);

  test("an equal canary is never judged worse: 30 seeds × 1 h of heartbeats, judged every round", () => {
    let worst = 0;
    let judged = 0;
    for (let seed = 100; seed < 130; seed++) {
      for (const v of simulate(seed, 1, 360)) {
        if (v.verdict === "insufficient") continue;
        judged++;
        expect(v.verdict).toBe("ok");
        for (const m of v.metrics) if (m.ratio) worst = Math.max(worst, m.ratio.lower);
      }
    }
    console.log(`equal canary: ${judged} judgements over 30 seeds × 3600 s, none worse; highest CI lower bound ${worst.toFixed(3)} (margin 2)`);
    expect(worst).toBeLessThan(2);
  }, 60_000);

  test("a canary 1.5× worse stays within a margin of 2 (the margin is what decides, not mere significance)", () => {
    const v = simulate(7, 1.5, 360);
    expect(v.some((x) => x.verdict === "worse")).toBe(false);
    const last = v[v.length - 1];
    expect(last.metrics[0].ratio!.lower).toBeGreaterThan(1); // it is significantly worse, just not beyond the margin
  });
});
