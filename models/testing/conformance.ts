/**
 * Test support: the conformance suites every detector kind and every online model runs (see
 * README.md beside this file). Training is small (2 000 windows of 17 numbers) so a kind runs in
 * seconds; the data are seeded Gaussian windows, so every run sees the same numbers.
 * @module
 */
import { describe, expect, test } from "bun:test";
import { CALIBRATED_THRESHOLD, calibrate, calibrateThreshold } from "../calibration.ts";
import { WindowShapeError, type Detector, type DetectorKind, type FitOptions, type WindowBatch } from "../detector.ts";
import { createRng } from "../../data/random.ts";
import { gaussianBatch } from "../detectors/testing/test-data.ts";
import { TFJS_MIN_ROWS } from "../detectors/shared/score-path.ts";
import type { ScoringModel } from "../model.ts";

/** How the detector suite makes, trains and restores one kind. */
export interface DetectorHarness {
  /** A new, unfitted detector for windows of `width` numbers (the last one an extra feature). */
  make(width: number): Detector;
  /** Restores what `save()` gave (the registry's `loadDetector`). */
  load(kind: DetectorKind, params: Record<string, unknown>, files: Map<string, Uint8Array>): Promise<Detector>;
  /** Fit options (few epochs: seconds, not minutes). */
  fit?: FitOptions;
  /** Training windows (default 2 000). */
  trainRows?: number;
}

/** Numbers per window in the detector checks: a 16-sample window plus one extra feature. */
const WIDTH = 17;
/** Calibration quantile of the checks: the expected flag rate on data like the training data is 1 − Q. */
const Q = 0.98;

/** `n` Gaussian windows whose newest `burst` samples (the window ends before the last, extra number) are pushed up by `sigmas`. */
export function spikedBatch(n: number, width: number, seed: number, sigmas: number, burst = 4): WindowBatch {
  const b = gaussianBatch(n, width, seed);
  for (let r = 0; r < n; r++) for (let j = 2; j < 2 + burst; j++) b.data[r * width + width - j] += sigmas;
  return b;
}

const rowOf = (b: WindowBatch, r: number): WindowBatch => ({ data: b.data.slice(r * b.width, (r + 1) * b.width), n: 1, width: b.width });
const flaggedShare = (scores: Float32Array) => scores.filter((s) => s >= CALIBRATED_THRESHOLD).length / scores.length;

/**
 * Registers the detector checks of one kind: save/load gives identical scores, a batch scores
 * as its windows one at a time, calibration at 0.5 (flags about 1 − Q of data like the training
 * data, most of clearly anomalous data, and 0.5 is exactly τ), bad shapes are refused with a
 * {@link WindowShapeError} and leave the detector working.
 *
 * @example
 * runDetectorConformance("isolation-forest", { make: (w) => createDetector("isolation-forest", w), load: loadDetector });
 */
export function runDetectorConformance(kind: DetectorKind, h: DetectorHarness): void {
  describe(`detector conformance: ${kind}`, () => {
    let trained: Promise<{ det: Detector; tau: number }> | undefined;
    /** One detector fitted once for the checks of this kind. */
    const fitted = () =>
      (trained ??= (async () => {
        const det = h.make(WIDTH);
        expect(det.kind).toBe(kind);
        const train = gaussianBatch(h.trainRows ?? 2000, WIDTH, 1);
        await det.fit(train, { seed: 1, ...h.fit });
        return { det, tau: calibrateThreshold(await det.scoreRaw(train), Q) };
      })());
    const probe = gaussianBatch(40, WIDTH, 4);

    test("save → load gives identical scores (params survive JSON, as in a manifest)", async () => {
      const { det } = await fitted();
      const before = await det.scoreRaw(probe);
      const saved = await det.save();
      const params = JSON.parse(JSON.stringify(saved.params)) as Record<string, unknown>;
      const loaded = await h.load(kind, params, new Map(saved.files.map((f) => [f.path, f.data])));
      expect(loaded.kind).toBe(kind);
      expect(loaded.width).toBe(WIDTH);
      expect(Array.from(await loaded.scoreRaw(probe))).toEqual(Array.from(before));
      loaded.dispose();
    }, 60_000);

    test("a batch scores exactly as its windows one at a time", async () => {
      const { det } = await fitted();
      // on one forward pass: a detector with two (tfjs from TFJS_MIN_ROWS rows on) agrees across them
      // within float tolerance only, which `detectors/shared/score-path.test.ts` checks
      const n = kind in TFJS_MIN_ROWS ? Math.min(probe.n, TFJS_MIN_ROWS[kind as keyof typeof TFJS_MIN_ROWS] - 1) : probe.n;
      const few: WindowBatch = { data: probe.data.subarray(0, n * probe.width), n, width: probe.width };
      const batch = Array.from(await det.scoreRaw(few));
      const single: number[] = [];
      for (let r = 0; r < n; r++) single.push((await det.scoreRaw(rowOf(few, r)))[0]);
      expect(single).toEqual(batch);
      expect(batch.every(Number.isFinite)).toBe(true);
    }, 60_000);

    test(`calibration at 0.5: about ${Math.round((1 - Q) * 100)} % of data like the training data flagged, most windows ending in a 4-sample 8σ burst flagged, τ scores exactly 0.5`, async () => {
      const { det, tau } = await fitted();
      const normal = flaggedShare(calibrate(await det.scoreRaw(gaussianBatch(4000, WIDTH, 2)), tau));
      expect(normal).toBeGreaterThan((1 - Q) / 4);
      expect(normal).toBeLessThan((1 - Q) * 2.5);
      const spiked = flaggedShare(calibrate(await det.scoreRaw(spikedBatch(500, WIDTH, 3, 8)), tau));
      expect(spiked).toBeGreaterThan(0.5);
      expect(calibrate(Float32Array.of(tau), tau)[0]).toBe(CALIBRATED_THRESHOLD);
      const [below, above] = calibrate(Float32Array.of(tau * 0.999, tau * 1.001), tau);
      expect(below).toBeLessThan(CALIBRATED_THRESHOLD);
      expect(above).toBeGreaterThan(CALIBRATED_THRESHOLD);
    }, 60_000);

    test("refuses bad shapes with a WindowShapeError (wrong width, wrong data length), then still scores", async () => {
      const { det } = await fitted();
      const wide = gaussianBatch(3, WIDTH + 1, 5);
      const narrow = gaussianBatch(3, WIDTH - 1, 5);
      await expect(det.scoreRaw(wide)).rejects.toBeInstanceOf(WindowShapeError);
      await expect(det.scoreRaw(narrow)).rejects.toBeInstanceOf(WindowShapeError);
      await expect(det.scoreRaw({ data: new Float32Array(WIDTH * 2 + 1), n: 2, width: WIDTH })).rejects.toBeInstanceOf(WindowShapeError);
      const fresh = h.make(WIDTH);
      await expect(fresh.fit(narrow, { seed: 1, ...h.fit })).rejects.toBeInstanceOf(WindowShapeError);
      fresh.dispose();
      expect(Array.from(await det.scoreRaw(probe))).toEqual(Array.from(await det.scoreRaw(probe)));
    }, 60_000);
  });
}

/** Options of {@link runOnlineModelConformance}. */
export interface OnlineHarness {
  /** A new model. */
  make(): ScoringModel;
  /**
   * Alarm onsets the model should give per day of 1-minute samples on normal data (its
   * `alarms_per_day`), or undefined for a model with fixed limits (checked to stay quiet).
   */
  alarmsPerDay?: number;
}

/** `s` series of `n` minute samples around 50 (σ = 1), seeded. */
function normalSeries(s: number, n: number, seed: number): { values: Float64Array[]; times: Float64Array[] } {
  const rng = createRng(seed);
  const gauss = () => rng.normal();
  const values = Array.from({ length: s }, () => Float64Array.from({ length: n }, () => 50 + gauss()));
  const times = values.map(() => Float64Array.from({ length: n }, (_, i) => Date.UTC(2026, 0, 1) + i * 60_000));
  return { values, times };
}

/**
 * Registers the checks that apply to an online model (it learns per series as it streams, so
 * there is no save/load and no window shape): scoring many series in one tick = each alone =
 * the offline `scoreSeries`; calibration at 0.5 (its threshold is 0.5, normal data alarms about
 * `alarmsPerDay`, a 30σ spike scores ≥ 0.5).
 */
export function runOnlineModelConformance(name: string, h: OnlineHarness): void {
  describe(`online model conformance: ${name}`, () => {
    const S = 20;
    const N = 3000;
    const { values, times } = normalSeries(S, N, 5);

    test("one tick of many series scores as each series alone, and as scoreSeries", async () => {
      const m = h.make();
      const offline = await m.scoreSeries(values, times);
      const together = values.map(() => new Float32Array(N));
      const alone = values.map(() => new Float32Array(N));
      const states = values.map(() => m.createState());
      const single = values.map(() => m.createState());
      for (let i = 0; i < N; i++) {
        const out = await m.scoreTick(
          states,
          values.map((v) => v[i]),
          times[0][i],
        );
        for (let k = 0; k < S; k++) {
          together[k][i] = out[k];
          alone[k][i] = (await m.scoreTick([single[k]], [values[k][i]], times[0][i]))[0];
        }
      }
      for (let k = 0; k < S; k++) {
        expect(Array.from(together[k])).toEqual(Array.from(offline[k]));
        expect(Array.from(alone[k])).toEqual(Array.from(offline[k]));
      }
    }, 60_000);

    test("calibration at 0.5: threshold 0.5, alarms on normal data at about the expected rate, a 30σ spike flagged", async () => {
      const m = h.make();
      expect(m.threshold).toBe(CALIBRATED_THRESHOLD);
      let onsets = 0;
      for (const s of await m.scoreSeries(values, times)) for (let i = 0; i < N; i++) if (s[i] >= 0.5 && (i === 0 || s[i - 1] < 0.5)) onsets++;
      const days = (S * N) / 1440;
      if (h.alarmsPerDay === undefined) expect(onsets / (S * N)).toBeLessThan(0.001);
      else {
        const expected = h.alarmsPerDay * days;
        expect(onsets).toBeLessThanOrEqual(Math.ceil(expected * 2.5) + 3);
        if (expected >= 20) expect(onsets).toBeGreaterThanOrEqual(expected / 8); // not calibrated far too quiet either
      }
      const spiked = Float64Array.from(values[0]);
      spiked[2500] += 30;
      expect((await m.scoreSeries([spiked], [times[0]]))[0][2500]).toBeGreaterThanOrEqual(CALIBRATED_THRESHOLD);
    }, 60_000);
  });
}
