/**
 * Reader for a corpus in the Numenta Anomaly Benchmark's layout:
 * `data/<category>/<file>.csv` plus a windows file (`labels_windows.json`, or NAB's own
 * `labels/combined_windows.json`) mapping `<category>/<file>.csv` to `[start, end]` windows,
 * and optionally `profiles.json` (NAB's cost profiles).
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { parseTimestamp } from "../time.ts";
import type { Series } from "../types.ts";
import { readSeriesCsv } from "./csv.ts";
import { DataError, quote } from "./errors.ts";
import { exists, isDirectory, readText } from "./file.ts";
import type { ReadOptions } from "./rows.ts";

/** One file of a NAB corpus. */
export interface NabFile {
  /** `<category>/<file>.csv`, the key of the windows file. */
  key: string;
  category: string;
  series: Series;
  /** Labelled windows as ms timestamps, in file order. */
  windows: [number, number][];
}

/** A NAB cost matrix. */
export interface NabCostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

/** A corpus read by {@link readNabCorpus}. */
export interface NabCorpus {
  dir: string;
  files: NabFile[];
  /** Cost profiles by name (NAB's three when the corpus has no profiles.json). */
  profiles: Record<string, NabCostMatrix>;
}

/** NAB's three standard cost profiles (its `config/profiles.json`). */
export const NAB_PROFILES: Record<string, NabCostMatrix> = {
  standard: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11 },
  reward_low_FP_rate: { tpWeight: 1, fnWeight: 1, fpWeight: 0.22 },
  reward_low_FN_rate: { tpWeight: 1, fnWeight: 2, fpWeight: 0.11 },
};

const windowsSchema = z.record(z.string().max(1000), z.array(z.tuple([z.string().max(64), z.string().max(64)])).max(10_000));
const profilesSchema = z.record(
  z.string().max(100),
  z.object({ CostMatrix: z.object({ tpWeight: z.number(), fpWeight: z.number(), fnWeight: z.number() }).loose() }).loose(),
);

const WINDOW_FILES = ["labels_windows.json", join("labels", "combined_windows.json")];

/** The windows file of a NAB-layout directory, or undefined when `dir` is not one. */
export async function nabWindowsFile(dir: string): Promise<string | undefined> {
  if (!(await isDirectory(join(dir, "data")))) return undefined;
  for (const f of WINDOW_FILES) if (await exists(join(dir, f))) return join(dir, f);
  return undefined;
}

async function readJson(path: string, max = 16 << 20): Promise<unknown> {
  const text = await readText(path);
  if (text.length > max) throw new DataError(path, `too large (${text.length} bytes, at most ${max})`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataError(path, `invalid JSON: ${(err as Error).message}`);
  }
}

function oneLine(path: string, issues: { path: PropertyKey[]; message: string }[]): DataError {
  return new DataError(
    path,
    issues
      .slice(0, 3)
      .map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`)
      .join("; "),
  );
}

/**
 * Read a NAB-layout corpus: every `data/<category>/*.csv` (sorted), its windows and profiles.
 * A CSV without an entry in the windows file is an error (NAB scores every file).
 *
 * @example
 * const corpus = await readNabCorpus("../shared/data/nab-dev");
 * corpus.files.length; // 28
 */
export async function readNabCorpus(dir: string, options: ReadOptions = {}): Promise<NabCorpus> {
  const windowsPath = await nabWindowsFile(dir);
  if (!windowsPath) throw new DataError(dir, "not a NAB-layout corpus: expected data/<category>/*.csv and labels_windows.json");
  const parsed = windowsSchema.safeParse(await readJson(windowsPath));
  if (!parsed.success) throw oneLine(windowsPath, parsed.error.issues);
  let profiles = NAB_PROFILES;
  const profilesPath = join(dir, "profiles.json");
  if (await exists(profilesPath)) {
    const p = profilesSchema.safeParse(await readJson(profilesPath));
    if (!p.success) throw oneLine(profilesPath, p.error.issues);
    profiles = Object.fromEntries(
      Object.entries(p.data).map(([k, v]) => [k, { tpWeight: v.CostMatrix.tpWeight, fpWeight: v.CostMatrix.fpWeight, fnWeight: v.CostMatrix.fnWeight }]),
    );
  }
  const files: NabFile[] = [];
  const categories = (await readdir(join(dir, "data"), { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const category of categories) {
    const names = (await readdir(join(dir, "data", category))).filter((f) => f.toLowerCase().endsWith(".csv")).sort();
    for (const name of names) {
      const key = `${category}/${name}`;
      const limits = parsed.data[key];
      if (limits === undefined) throw new DataError(windowsPath, `no entry for ${quote(key)}`);
      const series = await readSeriesCsv(join(dir, "data", category, name), options);
      const windows = limits.map(([a, b]): [number, number] => {
        const lo = parseTimestamp(a.trim());
        const hi = parseTimestamp(b.trim());
        if (Number.isNaN(lo) || Number.isNaN(hi))
          throw new DataError(windowsPath, `window of ${quote(key)}: unparseable timestamp ${quote(Number.isNaN(lo) ? a : b)}`);
        return [lo, hi];
      });
      files.push({ key, category, series, windows });
    }
  }
  if (files.length === 0) throw new DataError(dir, "no CSV files under data/<category>/");
  return { dir, files, profiles };
}
