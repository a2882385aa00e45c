import { describe, expect, test } from "bun:test";
import { type AdaptiveOptions, AdaptiveDetector, FOLLOW_DAMPING } from "./adaptive.ts";
import { createRng } from "../../data/random.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5);

/** Timestamps every `step` ms. */
function times(n: number, step = MIN): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => T0 + i * step);
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

async function scoreWith(name: string, opts: AdaptiveOptions, values: Float64Array, step: number): Promise<Float32Array> {
  const [s] = await new AdaptiveDetector(name, opts).scoreSeries([values], [times(values.length, step)]);
  return s;
}

const alarms = (s: Float32Array, from = 0, to = s.length): number[] => {
  const out: number[] = [];
  for (let i = from; i < to; i++) if (s[i] >= 0.5) out.push(i);
  return out;
};

// every behaviour holds with the shape statistic (online:default) and without it (online:lite)
describe.each([
  ["online:default", {}],
  ["online:lite", { art: false }],
] as [string, AdaptiveOptions][])("%s (adaptive)", (name, base) => {
  const score = (values: Float64Array, opts: AdaptiveOptions = {}, step = MIN) => scoreWith(name, { ...base, ...opts }, values, step);
  test("a constant series never alarms until it changes; one change is one alarm", async () => {
    const v = new Float64Array(3000).fill(0);
    for (let i = 2000; i < 3000; i++) v[i] = 1;
    const s = await score(v);
    expect(alarms(s, 0, 2000)).toEqual([]);
    expect(alarms(s, 2000)).toEqual([2000]);
  });

  test("a persistent level shift alarms once at its onset and becomes the new normal within the window", async () => {
    const r = createRng(1).next;
    const v = Float64Array.from({ length: 3000 }, (_, i) => (i >= 2000 ? 20 : 10) + gaussian(r));
    const s = await score(v);
    const a = alarms(s, 1500);
    expect(a.length).toBe(1);
    expect(a[0]).toBeGreaterThanOrEqual(2000);
    expect(a[0]).toBeLessThan(2004);
    // after the window has refilled, the new level scores like the old one did
    const after = Math.max(...s.slice(2040, 3000));
    expect(after).toBeLessThan(0.5 * FOLLOW_DAMPING + 0.5);
    expect(alarms(s, 2040)).toEqual([]);
  });

  test("a persistent change cannot hold an incident open for ever: the series alarms again on the next event", async () => {
    // a variance change (noise ×15) and a flatline after noise: each opens an incident; once it
    // has lasted 2 windows the tails learn the new regime, the incident closes, a spike alarms
    for (const kind of ["variance", "flatline"]) {
      const r = createRng(3).next;
      const v = Float64Array.from({ length: 4000 }, (_, i) => (i < 2000 ? 50 + gaussian(r) : kind === "variance" ? 50 + 15 * gaussian(r) : 50));
      v[3500] = 5000;
      const a = alarms(await score(v), 1500);
      expect(a.length).toBe(2);
      expect(a[0]).toBeGreaterThanOrEqual(2000);
      expect(a[0]).toBeLessThan(2012);
      expect(a[1]).toBe(3500);
    }
  });

  test("a gauge that rose through its warm-up is not taken for a counter for good", async () => {
    // a noise-free daily wave that starts at its trough rises for its whole warm-up, like a
    // counter; scored as a counter, every falling step was a "reset" and a drop went unseen
    const n = 8 * 1440;
    const v = Float64Array.from({ length: n }, (_, i) => 50 - 30 * Math.cos((2 * Math.PI * i) / 1440));
    const drop = 5 * 1440 + 1000; // in a falling half
    for (let i = drop; i < n; i++) v[i] -= 25;
    expect(alarms(await score(v), 1440)).toEqual([drop]);
    // a real counter that resets once stays a counter: the reset is not an alarm
    const c = Float64Array.from({ length: 5000 }, (_, i) => (i < 3000 ? i : i - 3000) * 10 + (i % 7));
    expect(alarms(await score(c))).toEqual([]);
  });

  test("a spike alarms once and does not drag the following points over the threshold", async () => {
    const r = createRng(2).next;
    const v = Float64Array.from({ length: 2500 }, () => 100 + 2 * gaussian(r));
    v[2000] = 160;
    const s = await score(v);
    expect(alarms(s, 1500)).toEqual([2000]);
    for (let i = 2001; i < 2010; i++) expect(s[i]).toBeLessThan(0.5);
  });

  test("a recurring event becomes normal: a nightly spike stops alarming after a few nights", async () => {
    const r = createRng(3).next;
    const step = 5 * MIN;
    const perDay = 288;
    const v = Float64Array.from({ length: perDay * 14 }, (_, i) => 1 + 0.05 * gaussian(r) + (i % perDay === 40 ? 10 : 0));
    const s = await score(v, {}, step);
    const nights = alarms(s).filter((i) => i % perDay === 40).length;
    expect(nights).toBeLessThanOrEqual(3);
    expect(alarms(s, perDay * 7).length).toBeLessThanOrEqual(1);
    expect(alarms(s).length).toBe(nights);
  });

  test("the edge of a daily pattern alarms on its first days only, not again on its lagging level/drop (onsetSpan)", async () => {
    // high from 09:00 to 18:00, low otherwise, every 5 minutes: the evening edge's first
    // incident keeps the lagging `drop` out of the tails and the event memory; remembered for
    // that time of day, the next evening's edge is no news before the seasonal envelopes speak
    const step = 5 * MIN;
    const perDay = 288;
    for (const seed of [1, 2, 3]) {
      const r = createRng(seed).next;
      const v = Float64Array.from({ length: perDay * 5 }, (_, i) => {
        const hour = (i % perDay) / 12;
        return (hour >= 9 && hour < 18 ? 80 : 20) + 2 * gaussian(r);
      });
      expect(alarms(await score(v, {}, step), 2 * perDay)).toEqual([]);
      expect(alarms(await score(v, { onsetSpan: 0 }, step), 2 * perDay).length).toBeGreaterThan(0);
    }
  });

  test("a run of missing samples alarms once at its start", async () => {
    const r = createRng(4).next;
    const v = Float64Array.from({ length: 1500 }, () => 5 + gaussian(r));
    for (let i = 1200; i < 1230; i++) v[i] = Number.NaN;
    const s = await score(v);
    expect(s[1200]).toBe(1);
    for (let i = 1201; i < 1230; i++) expect(s[i]).toBeLessThan(0.5);
  });

  test("one threshold, one false-alarm rate: Gaussian gauge, square wave, bursty count and 0/1 flag", async () => {
    const days = 20;
    const n = days * 1440;
    const r = createRng(5).next;
    const gauge = Float64Array.from({ length: n }, () => 50 + 5 * gaussian(r));
    const square = Float64Array.from({ length: n }, (_, i) => (Math.floor(i / 90) % 2 ? 10 : 0));
    const bursty = Float64Array.from({ length: n }, () => (r() < 0.05 ? Math.round(200 * -Math.log(1 - r())) : 0));
    const flag = Float64Array.from({ length: n }, () => (r() < 0.01 ? 1 : 0));
    for (const [name, v] of Object.entries({ gauge, square, bursty, flag })) {
      const s = await score(v);
      // after the first day (learning), alarms per day stay in the same small range on every shape
      const perDay = alarms(s, 1440).length / (days - 1);
      expect({ name, ok: perDay <= 1 }).toEqual({ name, ok: true });
    }
  });

  test("extreme finite values give finite scores", async () => {
    const v = Float64Array.from({ length: 500 }, (_, i) => (i % 97 === 0 ? 1e308 : i % 89 === 0 ? -1e308 : i));
    const s = await score(v);
    for (const x of s) expect(Number.isFinite(x)).toBe(true);
  });

  test("scoreTick gives the same scores as scoreSeries, with timestamps", async () => {
    const r = createRng(6).next;
    const n = 3000;
    const series = [0, 1, 2].map((k) => Float64Array.from({ length: n }, (_, i) => k * 10 + Math.sin(i / 50) + 0.1 * gaussian(r) + (i === 2500 ? 5 : 0)));
    const t = times(n);
    const m = new AdaptiveDetector(name, base);
    const offline = await m.scoreSeries(series, [t, t, t]);
    const states = series.map(() => m.createState());
    for (let i = 0; i < n; i++) {
      const tick = await m.scoreTick(
        states,
        series.map((v) => v[i]),
        t[i],
      );
      for (let k = 0; k < 3; k++) expect(tick[k]).toBe(offline[k][i]);
    }
  });

  test("state stays under 16 KiB per series with both seasonal profiles", async () => {
    const m = new AdaptiveDetector(name, base);
    const st = m.createState();
    const step = 10_000;
    for (let i = 0; i < (8 * 86_400_000) / step; i += 1) m.scoreOne(st, Math.sin(i / 100), T0 + i * step);
    expect(st.bytes).toBeGreaterThan(2000);
    expect(st.bytes).toBeLessThanOrEqual(16 * 1024);
  });
});
