/**
 * Names the file, series and row behind a detector's "non-finite value" error: extreme finite
 * values (±1e308) overflow the window features, and the detector only knows the window number.
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Series } from "../../data/types.ts";
import { WindowShapeError } from "../../models/detector.ts";
import { defaultFeatureSpec } from "../../models/features/spec.ts";
import { buildWindows } from "../../models/features/windows.ts";

/** Where the first window with a non-finite feature ends: series index and point index (the sample that made it so). */
export function locateNonFinite(series: readonly Series[], window: number): { series: number; point: number } | undefined {
  const spec = defaultFeatureSpec(window);
  for (let s = 0; s < series.length; s++) {
    const w = buildWindows([series[s].values], spec);
    const { data, width } = w.batch;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) return { series: s, point: w.pointIndex[Math.floor(i / width)] };
    }
  }
  return undefined;
}

/** The file a series of a dataset directory was read from (`<dir>/series/<name>.csv|jsonl`). */
export function datasetFile(dir: string, name: string): string {
  const csv = join(dir, "series", `${name}.csv`);
  return existsSync(csv) || !existsSync(join(dir, "series", `${name}.jsonl`)) ? csv : join(dir, "series", `${name}.jsonl`);
}

/** Thrown instead of a detector's {@link WindowShapeError}: one line naming the file and row. */
export class NonFiniteInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NonFiniteInputError";
  }
}

/**
 * Runs `work` (training or scoring `series`); a "non-finite value" {@link WindowShapeError} from
 * the detector becomes a {@link NonFiniteInputError} naming `fileOf(i)`, the series, the row
 * (1-based data row, without the header) with its timestamp and value.
 *
 * @example
 * await withInputContext(() => model.scoreSeries([s.values]), [s], model.window, () => "in.csv");
 */
export async function withInputContext<T>(work: () => Promise<T>, series: readonly Series[], window: number, fileOf: (i: number) => string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof WindowShapeError) || !/non-finite/.test(error.message)) throw error;
    const at = locateNonFinite(series, window);
    if (!at) throw new NonFiniteInputError(`${series.length === 1 ? fileOf(0) : "dataset"}: ${error.message}`);
    const s = series[at.series];
    const ts = s.timestamps[at.point];
    const when = Number.isFinite(ts) ? new Date(ts).toISOString() : String(ts);
    throw new NonFiniteInputError(
      `${fileOf(at.series)}: series ${s.name}, row ${at.point + 1} (${when}, value ${s.values[at.point]}): the window features overflow (values this extreme cannot be scored; rescale the series)`,
    );
  }
}
