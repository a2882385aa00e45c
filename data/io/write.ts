/**
 * Write a dataset folder:
 *
 *     <dir>/series/<name>.csv|.jsonl   one file per series
 *     <dir>/labels.json                NAB layout: file name → [[start, end], ...]
 *     <dir>/metadata.json              generator params + per-series baseline and anomalies
 */
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { formatIsoAll } from "../time.ts";
import type { Dataset, GeneratorParams, SeriesMeta } from "../types.ts";
import { DataError } from "./errors.ts";
import { formatSeriesCsv, formatSeriesJsonl } from "./format.ts";
import { toLabelsJson, toMetadataJson } from "./metadata.ts";

/** Series file encodings. */
export type SeriesFormat = "csv" | "jsonl";

/** Options of {@link writeDataset}. */
export interface WriteOptions {
  /** Series file encoding; default `csv`. */
  format?: SeriesFormat;
  /** Generator params for `metadata.json`; default: `dataset.params` when present. */
  params?: GeneratorParams;
  /** Replace an existing `<dir>/series` folder instead of failing; default false. */
  overwrite?: boolean;
  /** Files written at once; default 8. */
  concurrency?: number;
}

/** What {@link writeDataset} wrote. */
export interface WriteResult {
  /** Number of files written (series + labels.json + metadata.json). */
  files: number;
  /** Total bytes written. */
  bytes: number;
}

function sameTimeline(a: Float64Array, b: Float64Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function prepareSeriesDir(seriesDir: string, overwrite: boolean): Promise<void> {
  const existing = await readdir(seriesDir).catch(() => [] as string[]);
  if (existing.length > 0) {
    if (!overwrite) throw new DataError(seriesDir, "already contains files; pass overwrite to replace them");
    await rm(seriesDir, { recursive: true, force: true });
  }
  await mkdir(seriesDir, { recursive: true });
}

/**
 * Write `dataset` under `dir` (created if needed). Deterministic: the same dataset gives
 * byte-identical files.
 *
 * @example
 * const ds = generateDataset({ nSeries: 10 });
 * await writeDataset("out/ds", ds, { format: "csv" }); // { files: 12, bytes: ... }
 */
export async function writeDataset(
  dir: string,
  dataset: Dataset & { meta?: SeriesMeta[]; params?: GeneratorParams },
  opts: WriteOptions = {},
): Promise<WriteResult> {
  const format = opts.format ?? "csv";
  const encode = format === "csv" ? formatSeriesCsv : formatSeriesJsonl;
  const seriesDir = join(dir, "series");
  await prepareSeriesDir(seriesDir, opts.overwrite ?? false);

  let bytes = 0;
  const inFlight = new Set<Promise<void>>();
  const limit = Math.max(1, opts.concurrency ?? 8);
  let lastTs: Float64Array | undefined;
  let iso: string[] = [];
  for (const s of dataset.series) {
    if (!lastTs || !sameTimeline(lastTs, s.timestamps)) iso = formatIsoAll(s.timestamps);
    lastTs = s.timestamps;
    const p: Promise<void> = Bun.write(join(seriesDir, `${s.name}.${format}`), encode(s, iso)).then((n) => {
      bytes += n;
      inFlight.delete(p);
    });
    inFlight.add(p);
    if (inFlight.size >= limit) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);

  const labels = JSON.stringify(toLabelsJson(dataset, format), null, 2) + "\n";
  const meta = JSON.stringify(toMetadataJson(dataset, opts.params ?? dataset.params, format), null, 2) + "\n";
  bytes += await Bun.write(join(dir, "labels.json"), labels);
  bytes += await Bun.write(join(dir, "metadata.json"), meta);
  return { files: dataset.series.length + 2, bytes };
}
