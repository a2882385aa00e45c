import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MetricSample } from "../events.ts";
import type { ScoringModel, SeriesState } from "../../models/model.ts";
import { SeqAllocator } from "../runtime/seq.ts";
import { Telemetry } from "../telemetry/metrics.ts";
import { VirtualClock } from "../testing/virtual-clock.ts";
import { Scorer } from "./scorer.ts";

const dir = mkdtempSync(join(tmpdir(), "shadow-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A model scoring `score(value)` for every point; throws while `broken()`. */
function fake(name: string, score: (v: number) => number, broken = () => false): ScoringModel {
  return {
    name,
    version: "1",
    kind: "fake",
    window: 1,
    threshold: 0.5,
    scoreSeries: async () => [],
    createState: () => ({ bytes: 8 }) as SeriesState,
    async scoreTick(_states, values) {
      if (broken()) throw new Error(`${name} broke`);
      return Float32Array.from(values, score);
    },
    dispose() {},
  };
}

let n = 0;
function setup(live: ScoringModel, shadow: ScoringModel, clock = new VirtualClock(), shadowShare?: number) {
  const telemetry = new Telemetry({ defaultMetrics: false });
  const s = new Scorer(live, {
    agentId: "a",
    hostName: "h",
    seq: new SeqAllocator(join(dir, String(n++))),
    telemetry,
    shadow,
    shadowLateMs: 500,
    clock,
    shadowShare,
  });
  return { s, telemetry, clock };
}
/** Round `t`: series i has value `values[i]`. */
const round = (t: number, values: number[]): MetricSample[] => values.map((value, i) => ({ name: `s${i}`, labels: {}, value, timestamp: t * 1000 }));

describe("Scorer with a shadow model", () => {
  test("points and onsets compared; records keep the live score", async () => {
    // live flags values ≥ 5, the shadow values ≥ 3
    const { s } = setup(
      fake("live", (v) => (v >= 5 ? 0.9 : 0.1)),
      fake("cand", (v) => (v >= 3 ? 0.9 : 0.1)),
    );
    const out = [...(await s.score(round(1, [1, 4, 6]))), ...(await s.score(round(2, [1, 4, 6])))];
    const scores = out.filter((r) => r.kind === "point").map((r) => (r.doc as { anomaly: { score: number } }).anomaly.score);
    expect(scores.map((x) => Math.round(x * 10) / 10)).toEqual([0.1, 0.1, 0.9, 0.1, 0.1, 0.9]); // live
    expect(s.shadow!.status()).toMatchObject({
      points: 6,
      agreement: 0.666667,
      flag_rate: 0.666667,
      live_flag_rate: 0.333333,
      // s2 opened on both (matched twice), s1 on the shadow alone
      onsets: { live: 1, shadow: 2, matched_live: 1, matched_shadow: 1 },
      onset_agreement: 0.666667,
    });
  });

  test("a late round is not shadow-scored; a shadow that throws skips its round, never the live one", async () => {
    let broken = false;
    const { s, telemetry, clock } = setup(
      fake("live", () => 0.1),
      fake(
        "cand",
        () => 0.1,
        () => broken,
      ),
    );
    await s.score(round(1, [1, 2]), clock.now());
    await s.score(round(2, [1, 2]), clock.now() - 2000); // collected 2 s before it is scored: late
    broken = true;
    const out = await s.score(round(3, [1, 2]), clock.now());
    expect(out.filter((r) => r.kind === "point").length).toBe(2);
    expect(s.shadow!.status()).toMatchObject({ points: 2, skipped: { late: 1, error: 1 } });
    const text = await telemetry.registry.metrics();
    expect(text).toContain('agent_shadow_skipped_rounds_total{reason="late"} 1');
    expect(text).toContain('agent_shadow_skipped_rounds_total{reason="error"} 1');
  });

  test("share: the shadow scores a fixed subset of the series (by key), the same every round", async () => {
    const seen: number[] = [];
    const cand = fake("cand", () => 0.1);
    const tick = cand.scoreTick.bind(cand);
    cand.scoreTick = async (states, values, t) => (seen.push(values.length), tick(states, values, t));
    const { s } = setup(
      fake("live", () => 0.1),
      cand,
      new VirtualClock(),
      0.25,
    );
    const values = Array.from({ length: 400 }, (_, i) => i);
    for (let t = 1; t <= 3; t++) await s.score(round(t, values));
    expect(seen[0]).toBeGreaterThan(60);
    expect(seen[0]).toBeLessThan(140);
    expect(seen).toEqual([seen[0], seen[0], seen[0]]);
    expect(s.shadow!.status().points).toBe(3 * seen[0]);
  });

  test("replace: the counts and every series' shadow state start over", async () => {
    const { s } = setup(
      fake("live", () => 0.1),
      fake("cand", () => 0.9),
    );
    await s.score(round(1, [1, 2]));
    expect(s.shadow!.status().agreement).toBe(0);
    s.shadow!.replace(fake("cand2", () => 0.1));
    expect(s.shadow!.status().points).toBe(0);
    await s.score(round(2, [1, 2]));
    expect(s.shadow!.status()).toMatchObject({ model: { name: "cand2" }, points: 2, agreement: 1 });
  });
});
