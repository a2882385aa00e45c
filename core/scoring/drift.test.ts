import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScoringModel, SeriesState } from "../../models/model.ts";
import { SeqAllocator } from "../runtime/seq.ts";
import { Scorer } from "./scorer.ts";
import { createRng, mixSeed } from "../../data/random.ts";
import { isDriftEvent, SCORE_DRIFT_METRIC } from "../events.ts";
import { Telemetry } from "../telemetry/metrics.ts";
import { DRIFT_SETTINGS_DEFAULTS, ScoringDrift } from "./drift.ts";

const model = (version: string) => ({ name: "m", version }) as ScoringModel;
const ctx = { ts: "2026-01-01T00:00:00.000Z", agentId: "a", host: { name: "h" }, model: { name: "m", version: "1" } };

describe("ScoringDrift", () => {
  test("score drift: sampled scores of full rounds only; a new model version starts a new reference", async () => {
    const t = new Telemetry({ defaultMetrics: false });
    const d = new ScoringDrift({ ...DRIFT_SETTINGS_DEFAULTS, scoreReference: 64, scoreHalfLife: 32, scoreSamples: 4, scoreSettle: 5 }, t.drift);
    d.model(model("1"));
    const round = (base: number) => Float32Array.from({ length: 100 }, (_, i) => base + (i % 10) / 100);
    // warm-up rounds (scored < 90 %): all-zero scores never enter the reference
    for (let r = 0; r < 50; r++) expect(d.scores(new Float32Array(100), 100, 10)).toBeUndefined();
    let start: "start" | "end" | undefined;
    for (let r = 0; r < 5; r++) d.scores(round(0.9), 100, 100); // settling: left out
    for (let r = 0; r < 40; r++) d.scores(round(0.1), 100, 100); // 160 samples: reference (64) + current
    expect(d.status().score).toMatchObject({ model: "m", version: "1", ready: true, drifted: false });
    for (let r = 0; r < 40 && !start; r++) start = d.scores(round(0.6), 100, 100);
    expect(start).toBe("start");
    const rec = d.record(start!, "score", d.monitor.scorePsi, undefined, ctx);
    expect(rec).toMatchObject({
      metric: { name: SCORE_DRIFT_METRIC, labels: {} },
      drift: { state: "start", stream: "score", level: 0.25 },
      event: { kind: "drift" },
    });
    expect(rec.drift.psi).toBeGreaterThanOrEqual(0.25);
    d.refresh();
    const text = await t.registry.metrics();
    expect(text).toMatch(/agent_drift_score_psi\{model="m",version="1"\} 0\.[2-9]/);
    d.model(model("2"));
    expect(d.status().score).toMatchObject({ version: "2", ready: false, drifted: false, psi: 0 });
    d.refresh();
    expect(await t.registry.metrics()).not.toContain('version="1"');
  });

  test("input drift per series; forget drops a series; the summary is bounded by `top`", () => {
    const d = new ScoringDrift({ ...DRIFT_SETTINGS_DEFAULTS, reference: 32, halfLife: 16, top: 2 }, new Telemetry({ defaultMetrics: false }).drift);
    d.model(model("1"));
    const seen: string[] = [];
    for (let r = 0; r < 300; r++)
      for (let k = 0; k < 5; k++) {
        const t = d.input(`s${k}`, (r % 7) + (k < 3 && r >= 100 ? 20 : 0));
        if (t === "start") seen.push(`s${k}`);
      }
    expect(seen.sort()).toEqual(["s0", "s1", "s2"]);
    expect(d.psiOf("s0")).toBeGreaterThanOrEqual(0.25);
    expect(d.psiOf("nope")).toBe(0);
    const s = d.status();
    expect(s).toMatchObject({ series: 5, ready: 5, drifted: 3 });
    expect(s.top.length).toBe(2);
    d.forget("s0");
    expect(d.status().series).toBe(4);
  });

  test("in the scorer: a model swap starts a new score reference; a stale series is forgotten", async () => {
    const fake = (version: string): ScoringModel => ({
      name: "m",
      version,
      kind: "fake",
      window: 1,
      threshold: 0.5,
      scoreSeries: async () => [],
      createState: () => ({ bytes: 8 }) as SeriesState,
      scoreTick: async (_s, values) => Float32Array.from(values, (v) => (v % 10) / 100),
      dispose() {},
    });
    const seq = new SeqAllocator(join(mkdtempSync(join(tmpdir(), "drift-")), "seq"));
    const settings = {
      ...DRIFT_SETTINGS_DEFAULTS,
      stride: 1,
      reference: 16,
      halfLife: 8,
      scoreReference: 16,
      scoreHalfLife: 8,
      scoreSamples: 4,
      scoreSettle: 0,
    };
    const s = new Scorer(fake("1"), {
      agentId: "a",
      hostName: "h",
      seq,
      telemetry: new Telemetry({ defaultMetrics: false }),
      drift: settings,
      staleAfterMs: 1000,
    });
    for (let t = 1; t <= 40; t++)
      await s.score(
        [0, 1, 2, 3].map((i) => ({ name: `s${i}`, labels: {}, value: t + i, timestamp: t * 1000 })),
        t * 1000,
      );
    expect(s.drift!.status().score).toMatchObject({ version: "1", ready: true });
    expect(s.drift!.status().series).toBe(4);
    s.swapModel(fake("2"));
    expect(s.drift!.status().score).toMatchObject({ version: "2", ready: false });
    s.sweep(40_000 + 1001);
    expect(s.drift!.status().series).toBe(0);
  });

  test("in the scorer: stride — autocorrelated stable series drift falsely when every point is taken, never with every 10th", async () => {
    const model: ScoringModel = {
      name: "m",
      version: "1",
      kind: "fake",
      window: 1,
      threshold: 0.5,
      scoreSeries: async () => [],
      createState: () => ({ bytes: 8 }) as SeriesState,
      scoreTick: async (_s, values) => new Float32Array(values.length),
      dispose() {},
    };
    const SERIES = 16;
    const ROUNDS = 12_000;
    const starts = async (stride: number) => {
      const seq = new SeqAllocator(join(mkdtempSync(join(tmpdir(), "drift-")), "seq"));
      const settings = { ...DRIFT_SETTINGS_DEFAULTS, stride, scoreSettle: 1e9 };
      const s = new Scorer(model, { agentId: "a", hostName: "h", seq, telemetry: new Telemetry({ defaultMetrics: false }), drift: settings });
      const rngs = Array.from({ length: SERIES }, (_, i) => createRng(mixSeed(5, i)));
      const x = new Float64Array(SERIES);
      const labels = Array.from({ length: SERIES }, (_, i) => ({ series: String(i) }));
      let n = 0;
      for (let t = 1; t <= ROUNDS; t++) {
        const samples = rngs.map((rng, i) => {
          x[i] = 0.9 * x[i] + Math.sqrt(1 - 0.81) * rng.normal(); // AR(1), φ = 0.9: a typical metric's memory
          return { name: "ar", labels: labels[i], value: x[i], timestamp: t * 1000 };
        });
        for (const r of await s.score(samples, t * 1000)) if (isDriftEvent(r) && r.doc.drift.state === "start") n++;
      }
      return { n, ready: s.drift!.status().ready };
    };
    const every = await starts(1);
    expect(every.n).toBeGreaterThan(SERIES); // noise reported as drift
    const tenth = await starts(10);
    expect(tenth).toEqual({ n: 0, ready: SERIES }); // references filled (2560 points), and no false drift
  }, 60_000);
});
