import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { NAB_PROFILES, readNabCorpus } from "../../../data/io/nab.ts";
import { evaluateNab, formatNabTable } from "./index.ts";
import { nabScore } from "./score.ts";
import { probationLength, scaledSigmoid, sweepFile } from "./sweep.ts";

/** nab-dev lives in the shared folder beside the checkout (CI lays a copy there too). */
const NAB_DEV = resolve(import.meta.dir, "../../../../shared/data/nab-dev");

describe("NAB sweep weights", () => {
  test("scaled sigmoid and probation follow NAB's definitions", () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3.5)).toBe(-1);
    expect(probationLength(4032)).toBe(604);
    expect(probationLength(10_000)).toBe(750);
  });

  test("a window's first row weighs tpWeight; rows after it cost little, far rows fpWeight", () => {
    const s = sweepFile(2000, [[1000, 1099]], NAB_PROFILES.standard);
    expect(s.weights[1000]).toBeCloseTo(1, 12);
    expect(s.weights[1099]).toBeCloseTo(scaledSigmoid(-1 / 100) / scaledSigmoid(-1), 12);
    expect(s.weights[1100]).toBeCloseTo(0.11 * scaledSigmoid(1 / 99), 12);
    expect(s.weights[1999]).toBeCloseTo(-0.11, 12);
    expect(s.weights[500]).toBe(-0.11);
    expect(s.window[0]).toBe(-2);
    expect(s.window[1050]).toBe(0);
  });
});

describe("NAB corpus score", () => {
  const costs = NAB_PROFILES.standard;
  const file = (scores: number[], windows: [number, number][]) => ({ category: "c", windows, scores: Float64Array.from(scores) });
  const zeros = (n: number) => new Array<number>(n).fill(0);

  test("never firing scores 0, a detection at each window's start 100", () => {
    const quiet = nabScore([file(zeros(1000), [[500, 599]])], costs, "standard");
    expect(quiet.score).toBe(0);
    const perfect = zeros(1000);
    perfect[500] = 1;
    const r = nabScore([file(perfect, [[500, 599]])], costs, "standard");
    expect(r.score).toBeCloseTo(100, 9);
    expect(r.threshold).toBe(1);
    expect([r.tp, r.fn, r.fp]).toEqual([1, 0, 0]);
  });

  test("only the earliest detection in a window counts; each detection outside one costs", () => {
    const s = zeros(1000);
    s[550] = 0.9; // mid-window
    s[520] = 0.8; // earlier, lower score
    s[800] = 0.95; // a false positive far after the window
    const r = nabScore([file(s, [[500, 599]])], costs, "standard");
    // threshold 0.8: the window gets the weight of row 520, the FP row 800 costs
    const sw = sweepFile(1000, [[500, 599]], costs);
    const raw = sw.weights[520] + sw.weights[800];
    expect(r.threshold).toBe(0.8);
    expect(r.raw).toBeCloseTo(raw, 12);
    expect(r.score).toBeCloseTo((100 * (raw + 1)) / 2, 9);
  });

  test.skipIf(!existsSync(NAB_DEV) && process.env.CI !== "true")("reproduces NAB's own scorer on nab-dev: Numenta HTM 72.30 / 69.12 / 75.98", async () => {
    const corpus = await readNabCorpus(NAB_DEV);
    expect(corpus.files.length).toBe(28);
    const files = corpus.files.map((f) => {
      const [cat, name] = f.key.split("/");
      const lines = readFileSync(join(NAB_DEV, "reference", "numenta", cat, `numenta_${name}`), "utf8")
        .trim()
        .split("\n");
      const col = lines[0].split(",").indexOf("anomaly_score");
      const scores = Float64Array.from(lines.slice(1), (l) => Number(l.split(",")[col]));
      expect(scores.length).toBe(f.series.values.length);
      return { category: f.category, timestamps: f.series.timestamps, windows: f.windows, scores };
    });
    const report = evaluateNab(files, corpus.profiles);
    expect(report.standard.score).toBeCloseTo(72.3, 1);
    expect(Math.abs(report.standard.score - 72.3)).toBeLessThan(0.05);
    expect(Math.abs(report.reward_low_FP_rate.score - 69.12)).toBeLessThan(0.05);
    expect(Math.abs(report.reward_low_FN_rate.score - 75.98)).toBeLessThan(0.05);
    expect(report.standard.windows).toBe(36);
    const table = formatNabTable([{ model: "numenta", nab: report }]);
    expect(table).toContain("72.30");
    expect(table).toContain("realAWSCloudwatch");
  });
});
