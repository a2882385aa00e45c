import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MetricSample, PointRecord } from "../events.ts";
import type { ScoringModel, SeriesState } from "../../models/model.ts";
import { BundleModel } from "../../models/bundle-model.ts";
import { RobustZScore } from "../../models/detectors/robust-zscore/robust-zscore.ts";
import { defaultFeatureSpec, featureWidth } from "../../models/features/spec.ts";
import { Telemetry } from "../telemetry/metrics.ts";
import { VirtualClock } from "../testing/virtual-clock.ts";
import { Scorer, type ModelFailure, type RoundInfo } from "./scorer.ts";
import { SeqAllocator } from "../runtime/seq.ts";

const dir = mkdtempSync(join(tmpdir(), "scorer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A model whose state counts samples; scores 0 for the first `warmup` samples, then `score(n)`. A tick waits for `gate` when given. */
function fake(version: string, o: { warmup?: number; score?: (n: number) => number; gate?: Promise<void>; fail?: () => boolean } = {}): ScoringModel {
  return {
    name: "m",
    version,
    kind: "fake",
    window: 2,
    threshold: 0.5,
    scoreSeries: async () => [],
    createState: () => ({ bytes: 8, n: 0 }) as SeriesState & { n: number },
    async scoreTick(states, values) {
      if (o.gate) await o.gate;
      if (o.fail?.()) throw new Error(`model ${version} broke`);
      return Float32Array.from(states, (s, i) => {
        const st = s as SeriesState & { n: number };
        st.n++;
        void values[i];
        return st.n <= (o.warmup ?? 0) ? 0 : (o.score?.(st.n) ?? 0.1);
      });
    },
    dispose() {},
  };
}

let seqDir = 0;
function scorer(
  model: ScoringModel,
  extra: { onModelFailure?: (f: ModelFailure) => ScoringModel | undefined; clock?: VirtualClock; staleAfterMs?: number } = {},
) {
  const telemetry = new Telemetry({ defaultMetrics: false });
  const rounds: RoundInfo[] = [];
  const s = new Scorer(model, {
    agentId: "a",
    hostName: "h",
    seq: new SeqAllocator(join(dir, String(seqDir++))),
    telemetry,
    onRound: (r) => rounds.push(r),
    ...extra,
  });
  return { s, telemetry, rounds };
}
const round = (t: number, n = 3): MetricSample[] => Array.from({ length: n }, (_, i) => ({ name: `s${i}`, labels: {}, value: t + i, timestamp: t * 1000 }));
const points = async (s: Scorer, t: number) => (await s.score(round(t), t * 1000)).filter((r) => r.kind === "point").map((r) => r.doc as PointRecord);

describe("Scorer model swaps", () => {
  test("swapBetweenRounds waits for the round in flight: no round mixes two models", async () => {
    let release!: () => void;
    const { s } = scorer(fake("1", { gate: new Promise<void>((resolve) => (release = resolve)) }));
    const inFlight = s.score(round(1), 1000);
    let swappedYet = false;
    const swapped = s.swapBetweenRounds(fake("2")).finally(() => (swappedYet = true));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(swappedYet).toBe(false); // the round is still in flight
    release();
    const first = await inFlight;
    expect(first.every((r) => r.doc.model.version === "1")).toBe(true);
    expect((await swapped).version).toBe("1");
    expect((await points(s, 2)).map((p) => p.model.version)).toEqual(["2", "2", "2"]);
  });

  test("series state restarts on a swap unless keepState (same features: no second warm-up)", async () => {
    const { s } = scorer(fake("1", { warmup: 2 }));
    for (let t = 1; t <= 3; t++) await points(s, t);
    s.swapModel(fake("2", { warmup: 2 }), { keepState: true });
    expect((await points(s, 4)).map((p) => p.anomaly.score)).toEqual([0.1, 0.1, 0.1].map(Math.fround));
    s.swapModel(fake("3", { warmup: 2 }));
    expect((await points(s, 5)).map((p) => p.anomaly.score)).toEqual([0, 0, 0]);
  });

  test("a model that throws: the fallback takes over and scores the same round, every point kept", async () => {
    const failures: ModelFailure[] = [];
    const old = fake("1");
    const { s, telemetry, rounds } = scorer(fake("2", { fail: () => true }), { onModelFailure: (f) => (failures.push(f), old) });
    const recs = await points(s, 1);
    expect(recs.map((p) => [p.model.version, p.agent.seq])).toEqual([
      ["1", 1],
      ["1", 2],
      ["1", 3],
    ]);
    expect(failures.map((f) => [f.kind, f.model.version, f.roundsSinceSwap, f.error.message])).toEqual([["exception", "2", 0, "model 2 broke"]]);
    expect(s.current.version).toBe("1");
    expect(rounds.map((r) => [r.model.version, r.roundsSinceSwap, r.points])).toEqual([["1", 1, 3]]);
    expect(await telemetry.registry.getSingleMetricAsString("agent_component_errors_total")).toContain('component="scorer",error_type="model_exception"} 1');
  });

  test("non-finite scores count as a failure; without a fallback an exception propagates and a non-finite score flags its series (1, counted)", async () => {
    const { s } = scorer(fake("2", { score: () => Number.NaN }), { onModelFailure: (f) => (f.kind === "non_finite" ? fake("1") : undefined) });
    expect((await points(s, 1)).map((p) => p.model.version)).toEqual(["1", "1", "1"]);
    const bare = scorer(fake("3", { fail: () => true })).s;
    await expect(bare.score(round(1), 1000)).rejects.toThrow("model 3 broke");
    const nan = scorer(fake("4", { score: () => Number.NaN }));
    expect((await points(nan.s, 1)).map((p) => [p.anomaly.score, p.anomaly.is_anomaly])).toEqual([
      [1, true],
      [1, true],
      [1, true],
    ]);
    expect(await nan.telemetry.registry.getSingleMetricAsString("agent_component_errors_total")).toContain(
      'component="scorer",error_type="non_finite_score"} 3',
    );
  });

  test("one series with a non-finite score is flagged alone: every other series of the round keeps its score", async () => {
    const model = fake("5");
    const inner = model.scoreTick.bind(model);
    model.scoreTick = async (states, values) => (await inner(states, values)).map((x, i) => (i === 1 ? Number.POSITIVE_INFINITY : x));
    const { s, telemetry } = scorer(model);
    const recs = await points(s, 1);
    expect(recs.map((p) => [p.metric.name, p.anomaly.score])).toEqual([
      ["s0", Math.fround(0.1)],
      ["s1", 1],
      ["s2", Math.fround(0.1)],
    ]);
    expect(recs.every((p) => Number.isFinite(p.anomaly.score))).toBe(true);
    expect(await telemetry.registry.getSingleMetricAsString("agent_component_errors_total")).toContain('component="scorer",error_type="non_finite_score"} 1');
  });

  test("rounds report points, flagged points and rounds since the swap", async () => {
    const { s, rounds } = scorer(fake("1", { score: (n) => (n % 2 ? 0.9 : 0.1) }));
    await points(s, 1);
    await points(s, 2);
    s.swapModel(fake("2"));
    await points(s, 3);
    expect(rounds.map((r) => [r.model.version, r.roundsSinceSwap, r.points, r.flagged])).toEqual([
      ["1", 1, 3, 3],
      ["1", 2, 3, 0],
      ["2", 1, 3, 0],
    ]);
  });
});

describe("Scorer input order", () => {
  test("a sample not newer than its series' last one is counted as out_of_order and never reaches the model", async () => {
    const seen: number[] = [];
    const model = fake("1");
    const inner = model.scoreTick.bind(model);
    model.scoreTick = async (states, values) => (seen.push(...Array.from(values)), inner(states, values));
    const { s, telemetry, rounds } = scorer(model);
    const at = (t: number, v: number, name = "a"): MetricSample => ({ name, labels: {}, value: v, timestamp: t });
    await s.score([at(2000, 1), at(2000, 10, "b")], 2000);
    const late = await s.score([at(1000, 2), at(3000, 20, "b"), at(3000, 21, "b")], 3000);
    expect(late.filter((r) => r.kind === "point").map((r) => (r.doc as PointRecord).value)).toEqual([20]);
    expect(await s.score([at(2000, 3)], 4000)).toEqual([]);
    await s.score([at(5000, 4)], 5000);
    expect(seen).toEqual([1, 10, 20, 4]);
    expect(rounds.map((r) => r.points)).toEqual([2, 1, 1]);
    expect(await telemetry.registry.getSingleMetricAsString("agent_dropped_total")).toContain('component="scorer",reason="out_of_order"} 3');
  });
});

describe("Scorer with a robust-zscore bundle and extreme finite values", () => {
  test("one series at ±1e308 loses no record of its source: it is flagged alone, every score is finite", async () => {
    const spec = defaultFeatureSpec(32);
    const model = new BundleModel("m", "1", new RobustZScore({ window: 32, extra: featureWidth(spec) - 32, method: "max" }), spec, 3);
    const { s, telemetry } = scorer(model);
    let points = 0;
    for (let t = 1; t <= 45; t++) {
      const samples: MetricSample[] = Array.from({ length: 5 }, (_, i) => ({
        name: `s${i}`,
        labels: {},
        value: i === 2 ? (t % 2 ? 1e308 : -1e308) : 50 + i + Math.sin(t / 3),
        timestamp: t * 1000,
      }));
      const recs = (await s.score(samples, t * 1000)).filter((r) => r.kind === "point").map((r) => r.doc as PointRecord);
      expect(recs.length).toBe(5);
      expect(recs.every((p) => Number.isFinite(p.anomaly.score))).toBe(true);
      if (t > 40) expect(recs.map((p) => p.anomaly.is_anomaly)).toEqual([false, false, true, false, false]);
      points += recs.length;
    }
    expect(points).toBe(225);
    expect(await telemetry.registry.getSingleMetricAsString("agent_component_errors_total")).not.toContain("model_exception");
  });
});

describe("Scorer stale series (sweep, on virtual time)", () => {
  test("a series unseen for staleAfterMs loses its state (counted), a series seen since keeps it", async () => {
    const clock = new VirtualClock();
    const { s, telemetry } = scorer(fake("1", { warmup: 1 }), { clock, staleAfterMs: 5 * 60_000 });
    const at = (name: string): MetricSample => ({ name, labels: {}, value: 1, timestamp: clock.now() });
    await s.score([at("a"), at("b")]);
    expect(s.seriesCount).toBe(2);
    await clock.advance(4 * 60_000);
    await s.score([at("a")]);
    expect(s.sweep()).toBe(0); // b unseen for 4 min: kept
    await clock.advance(60_000 + 1);
    expect(s.sweep()).toBe(1); // b unseen for just over 5 min, a for 1 min
    expect(s.seriesCount).toBe(1);
    expect(await telemetry.registry.getSingleMetricAsString("agent_component_errors_total")).toContain('component="scorer",error_type="series_stale"} 1');
    expect(await telemetry.registry.getSingleMetricAsString("agent_series_active")).toContain("agent_series_active 1");
    // b comes back with a fresh state (warm-up again: score 0), a keeps its own (past warm-up: 0.1)
    const recs = (await s.score([at("a"), at("b")])).map((r) => r.doc as PointRecord);
    expect(recs.map((p) => [p.metric.name, p.anomaly.score])).toEqual([
      ["a", Math.fround(0.1)],
      ["b", 0],
    ]);
    await clock.advance(10 * 60_000);
    expect(s.sweep()).toBe(2);
    expect(s.seriesCount).toBe(0);
  });

  test("score and sweep take their time from the injected clock", async () => {
    const clock = new VirtualClock(Date.UTC(2030, 0, 1));
    const { s } = scorer(fake("1"), { clock, staleAfterMs: 1000 });
    await s.score([{ name: "a", labels: {}, value: 1, timestamp: 5 }]);
    expect(s.sweep()).toBe(0);
    await clock.advance(1001);
    expect(s.sweep()).toBe(1); // with Date.now() (before 2030) instead of the clock, the series would never look stale
  });
});

describe("Scorer agent.seq", () => {
  test("every record of every round, points and anomaly events, gets its own seq, increasing, never 0", async () => {
    const { s } = scorer(fake("1", { score: (n) => (n % 4 < 2 ? 0.9 : 0.1) }));
    const seqs: number[] = [];
    let events = 0;
    for (let t = 1; t <= 8; t++) {
      for (const r of await s.score(round(t), t * 1000)) {
        seqs.push(r.doc.agent.seq);
        if (r.kind === "anomaly") events++;
      }
    }
    expect(events).toBeGreaterThanOrEqual(6); // opens and closes happened
    expect(seqs.every((q) => Number.isInteger(q) && q > 0)).toBe(true);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});

describe("Scorer round reports", () => {
  test("onRound counts the anomaly events opened in the round (alarms) and the series kept", async () => {
    // every series scores 0.9 from its 3rd point on: one open event per series, once
    const { s, rounds } = scorer(fake("1", { score: (n) => (n >= 3 ? 0.9 : 0.1) }));
    for (let t = 1; t <= 5; t++) await s.score(round(t), t * 1000);
    expect(rounds.map((r) => r.opened)).toEqual([0, 0, 3, 0, 0]);
    expect(rounds.map((r) => r.flagged)).toEqual([0, 0, 3, 3, 3]);
    expect(rounds.at(-1)?.series).toBe(3);
  });
});
