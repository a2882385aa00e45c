/**
 * Read series files and dataset folders.
 *
 * A dataset folder is either what {@link writeDataset} writes (`series/*.csv|jsonl`,
 * `labels.json`, `metadata.json`) or NAB-style: `*.csv` directly in the folder, optionally
 * with a `labels.json` of [start, end] windows.
 */
import { readdir } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { parseTimestamp } from "../time.ts";
import type { AnomalyRecord, Dataset, Series } from "../types.ts";
import { readSeriesCsv } from "./csv.ts";
import { DataError, quote } from "./errors.ts";
import { exists, isDirectory, readText } from "./file.ts";
import { readSeriesJsonl } from "./jsonl.ts";
import type { ReadOptions } from "./rows.ts";
import { anomaliesFromMetadata, labelsJsonSchema, metadataJsonSchema } from "./metadata.ts";

const SERIES_EXT = new Set([".csv", ".jsonl"]);

/**
 * Read one series file, choosing the parser by extension (`.csv`, `.jsonl`).
 *
 * @example
 * const s = await readSeries("out/ds/series/series_0000.csv");
 */
export async function readSeries(path: string, options: ReadOptions = {}): Promise<Series> {
  const ext = extname(path).toLowerCase();
  if (ext === ".csv") return readSeriesCsv(path, options);
  if (ext === ".jsonl") return readSeriesJsonl(path, options);
  throw new DataError(path, `unsupported series file extension ${quote(ext)}: expected .csv or .jsonl`);
}

async function readJson(path: string): Promise<unknown> {
  const text = await readText(path);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataError(path, `invalid JSON: ${(err as Error).message}`);
  }
}

function schemaError(path: string, issues: { path: PropertyKey[]; message: string }[]): DataError {
  const first = issues[0];
  return new DataError(path, `${first ? `${first.path.map(String).join(".") || "(root)"}: ${first.message}` : "invalid"}`);
}

/** Mark every point inside a labels.json window (inclusive) with 1. */
function windowsToLabels(s: Series, windows: [string, string][], path: string, key: string): Uint8Array {
  const labels = new Uint8Array(s.timestamps.length);
  for (const [a, b] of windows) {
    const lo = parseTimestamp(a.trim());
    const hi = parseTimestamp(b.trim());
    if (Number.isNaN(lo) || Number.isNaN(hi)) {
      throw new DataError(path, `window of ${quote(key)}: unparseable timestamp ${quote(Number.isNaN(lo) ? a : b)}`);
    }
    for (let i = 0; i < labels.length; i++) if (s.timestamps[i] >= lo && s.timestamps[i] <= hi) labels[i] = 1;
  }
  return labels;
}

async function listSeriesFiles(dir: string): Promise<string[]> {
  if (!(await exists(dir))) throw new DataError(dir, "directory not found");
  if (!(await isDirectory(dir))) throw new DataError(dir, "not a directory");
  const sub = join(dir, "series");
  const root = (await isDirectory(sub)) ? sub : dir;
  const names = (await readdir(root)).filter((f) => SERIES_EXT.has(extname(f).toLowerCase())).sort();
  if (names.length === 0) throw new DataError(dir, "no series files (*.csv, *.jsonl) in the folder or its series/ subfolder");
  return names.map((f) => join(root, f));
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Read a dataset folder. Series are sorted by file name. A series without a label column gets
 * labels from `labels.json` (keys matched by file name, so NAB's `dir/x.csv` keys work too);
 * series absent from it stay unlabelled. Anomalies come from `metadata.json` when present.
 *
 * @example
 * const ds = await readDataset("out/ds");
 * ds.series.length; // 1000
 */
export async function readDataset(dir: string, options: ReadOptions = {}): Promise<Dataset> {
  const files = await listSeriesFiles(dir);
  const series = await mapLimit(files, 16, (f) => readSeries(f, options));

  const labelsPath = join(dir, "labels.json");
  if (await exists(labelsPath)) {
    const parsed = labelsJsonSchema.safeParse(await readJson(labelsPath));
    if (!parsed.success) throw schemaError(labelsPath, parsed.error.issues);
    const byFile = new Map(Object.entries(parsed.data).map(([k, w]) => [basename(k), { key: k, w }] as const));
    series.forEach((s, i) => {
      const entry = byFile.get(basename(files[i]));
      if (!s.labels && entry) s.labels = windowsToLabels(s, entry.w, labelsPath, entry.key);
    });
  }

  let anomalies: AnomalyRecord[] = [];
  const metaPath = join(dir, "metadata.json");
  if (await exists(metaPath)) {
    const parsed = metadataJsonSchema.safeParse(await readJson(metaPath));
    if (!parsed.success) throw schemaError(metaPath, parsed.error.issues);
    anomalies = anomaliesFromMetadata(parsed.data);
  }
  return { series, anomalies };
}
