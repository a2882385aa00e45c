/**
 * The checks of `agent generate`'s flags, before anything is generated: every number finite and
 * in range, an output directory that is not empty, a dataset size under {@link MAX_POINTS}
 * (unless `--force`) and room for it on the disk.
 * @module
 */
import { statfsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { MIN_POINTS } from "../../data/synthetic/generate.ts";
import { UsageError } from "../errors.ts";

/** Most points (series × points per series) written without `--force`: ~14× the default run (1.44M), ≈ 0.7 GB of CSV. */
export const MAX_POINTS = 20_000_000;
/** Bytes a point takes on disk, measured on generated data (CSV ≈ 33, JSONL ≈ 65), with a margin. */
export const BYTES_PER_POINT = { csv: 40, jsonl: 80 } as const;
const MAX_SERIES = 1_000_000;
const MAX_POINTS_PER_SERIES = 100_000_000;
/** The last timestamp must be a valid date (JavaScript dates end at ±8.64e15 ms). */
const MAX_DATE_MS = 8.64e15;
const START_MS = Date.UTC(2026, 0, 1);

/** The flags as yargs hands them over (numbers may be NaN or ±Infinity). */
export interface GenerateFlags {
  nSeries: number;
  nPoints: number;
  anomalyRatio: number;
  seed: number;
  intervalSeconds: number;
  outputDir: string;
  format: "csv" | "jsonl";
  force: boolean;
}

/** Free bytes on the file system of the nearest existing ancestor of `dir` (injectable for tests). */
export function freeBytesFor(dir: string): number {
  let at = resolve(dir);
  for (;;) {
    try {
      statSync(at);
      const s = statfsSync(at);
      return Number(s.bavail) * Number(s.bsize);
    } catch {
      const up = dirname(at);
      if (up === at) return Number.POSITIVE_INFINITY;
      at = up;
    }
  }
}

const fmt = (n: number) => n.toLocaleString("en");

/**
 * Checks every flag; throws a {@link UsageError} whose one line names the flag, the value and
 * what is expected (all problems at once). Returns the estimated bytes to write.
 *
 * @example
 * checkGenerateFlags({ nSeries: 10, nPoints: 1440, anomalyRatio: 0.3, seed: 1, intervalSeconds: 60, outputDir: "d", format: "csv", force: false });
 */
export function checkGenerateFlags(f: GenerateFlags, free: (dir: string) => number = freeBytesFor): number {
  const bad: string[] = [];
  const int = (flag: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) bad.push(`--${flag} ${v}: expected an integer from ${fmt(min)} to ${fmt(max)}`);
  };
  int("n-series", f.nSeries, 1, MAX_SERIES);
  int("n-points", f.nPoints, MIN_POINTS, MAX_POINTS_PER_SERIES);
  if (!(Number.isFinite(f.anomalyRatio) && f.anomalyRatio >= 0 && f.anomalyRatio <= 1))
    bad.push(`--anomaly-ratio ${f.anomalyRatio}: expected a number from 0 to 1`);
  if (!Number.isSafeInteger(f.seed) || f.seed < 0) bad.push(`--seed ${f.seed}: expected an integer from 0 to ${fmt(Number.MAX_SAFE_INTEGER)}`);
  if (!(Number.isFinite(f.intervalSeconds) && f.intervalSeconds >= 0.001))
    bad.push(`--interval-seconds ${f.intervalSeconds}: expected a finite number of seconds ≥ 0.001`);
  else if (Number.isInteger(f.nPoints) && START_MS + f.nPoints * f.intervalSeconds * 1000 > MAX_DATE_MS) {
    bad.push(`--interval-seconds ${f.intervalSeconds}: ${fmt(f.nPoints)} points from 2026-01-01 would end past the last representable date (year 275760)`);
  }
  if (f.outputDir.trim() === "") bad.push(`--output-dir ${JSON.stringify(f.outputDir)}: expected a directory (use "." for the current one)`);
  if (bad.length) throw new UsageError(bad.join("; "));
  const points = f.nSeries * f.nPoints;
  const bytes = points * BYTES_PER_POINT[f.format];
  if (points > MAX_POINTS && !f.force) {
    throw new UsageError(
      `--n-series ${fmt(f.nSeries)} × --n-points ${fmt(f.nPoints)} = ${fmt(points)} points (≈ ${(bytes / 1e9).toFixed(1)} GB) is above the limit of ${fmt(MAX_POINTS)} points; add --force to generate it anyway`,
    );
  }
  const available = free(f.outputDir);
  if (bytes > available) {
    throw new UsageError(
      `--output-dir ${f.outputDir}: the dataset needs about ${(bytes / 1e6).toFixed(0)} MB, the disk has ${(available / 1e6).toFixed(0)} MB free`,
    );
  }
  return bytes;
}
