import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { checkGenerateFlags, MAX_POINTS, type GenerateFlags } from "./generate-args.ts";

const ok: GenerateFlags = { nSeries: 1000, nPoints: 1440, anomalyRatio: 0.3, seed: 42, intervalSeconds: 60, outputDir: "data", format: "csv", force: false };
const lots = () => Number.POSITIVE_INFINITY;
const problem = (f: Partial<GenerateFlags>, free: (d: string) => number = lots) => {
  try {
    checkGenerateFlags({ ...ok, ...f }, free);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).not.toContain("\n");
    return (error as Error).message;
  }
  return undefined;
};

test("the prototype's default run passes and its size is estimated", () => {
  expect(problem({})).toBeUndefined();
  expect(checkGenerateFlags(ok, lots)).toBe(1000 * 1440 * 40);
});

test("1e6 × 1e6 is refused above the documented limit, naming both flags and --force", () => {
  expect(problem({ nSeries: 1e6, nPoints: 1e6 })).toBe(
    `--n-series 1,000,000 × --n-points 1,000,000 = 1,000,000,000,000 points (≈ 40000.0 GB) is above the limit of ${MAX_POINTS.toLocaleString("en")} points; add --force to generate it anyway`,
  );
  expect(problem({ nSeries: 20_000, nPoints: 1440, force: true })).toBeUndefined();
});

test("free disk space is checked up front, --force or not", () => {
  expect(problem({ force: true, nSeries: 100_000 }, () => 1e6)).toMatch(/^--output-dir data: the dataset needs about 5760 MB, the disk has 1 MB free$/);
});

test("an empty output dir is refused (it would write into the current directory)", () => {
  expect(problem({ outputDir: "" })).toBe('--output-dir "": expected a directory (use "." for the current one)');
  expect(problem({ outputDir: "  " })).toMatch(/^--output-dir " {2}": expected a directory/);
});

test("every number must be finite and in range; all problems in one line", () => {
  expect(problem({ intervalSeconds: 1e300 })).toMatch(/^--interval-seconds 1e\+300: 1,440 points from 2026-01-01 would end past the last representable date/);
  expect(problem({ intervalSeconds: Number.POSITIVE_INFINITY })).toMatch(/^--interval-seconds Infinity: expected a finite number of seconds/);
  expect(problem({ intervalSeconds: 0 })).toMatch(/^--interval-seconds 0:/);
  expect(problem({ nSeries: Number.NaN })).toBe("--n-series NaN: expected an integer from 1 to 1,000,000");
  expect(problem({ nSeries: 2.5 })).toMatch(/^--n-series 2.5:/);
  expect(problem({ nPoints: 10 })).toMatch(/^--n-points 10: expected an integer from 300/);
  expect(problem({ anomalyRatio: 2, seed: -1 })).toBe(
    "--anomaly-ratio 2: expected a number from 0 to 1; --seed -1: expected an integer from 0 to 9,007,199,254,740,991",
  );
  expect(problem({ seed: 1e300 })).toMatch(/^--seed 1e\+300:/);
});

test("agent generate --output-dir '' exits non-zero with one line and writes nothing into the cwd", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "agent-generate-empty-"));
  const p = Bun.spawn([process.execPath, join(import.meta.dir, "../main.ts"), "generate", "--n-series", "2", "--output-dir", ""], {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
  });
  const err = await new Response(p.stderr).text();
  expect(await p.exited).not.toBe(0);
  expect(err.trim().split("\n")).toEqual(['agent generate: error: --output-dir "": expected a directory (use "." for the current one)']);
  expect(readdirSync(cwd)).toEqual([]);
});
