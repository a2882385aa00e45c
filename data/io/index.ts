/**
 * Dataset and series I/O: CSV / JSONL series files, `labels.json`, `metadata.json`.
 *
 * @example
 * import { readDataset, writeDataset } from "./data/io/index.ts";
 * await writeDataset("out/ds", generateDataset({ nSeries: 10 }));
 * const ds = await readDataset("out/ds");
 */
export { DataError } from "./errors.ts";
export { readSeriesCsv, parseSeriesCsv, csvRecords } from "./csv.ts";
export { describeNotes, type ReadOptions } from "./rows.ts";
export { readSeriesJsonl, parseSeriesJsonl } from "./jsonl.ts";
export { readSeries, readDataset } from "./read.ts";
export { writeDataset, type WriteOptions, type WriteResult, type SeriesFormat } from "./write.ts";
export { formatSeriesCsv, formatSeriesJsonl, formatValue } from "./format.ts";
export {
  toLabelsJson,
  toMetadataJson,
  anomaliesFromMetadata,
  ANOMALY_RATIO_MEANING,
  type LabelsJson,
  type MetadataJson,
} from "./metadata.ts";
