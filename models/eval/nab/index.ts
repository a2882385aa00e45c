/**
 * NAB scoring for `agent eval` on a corpus in the Numenta Anomaly Benchmark's layout: the three
 * standard profiles, normalised, and a per-category breakdown.
 *
 * @example
 * const report = evaluateNab(corpus.files.map((f, i) => ({ category: f.category, timestamps: f.series.timestamps, windows: f.windows, scores: scores[i] })), corpus.profiles);
 * console.log(formatNabTable(report));
 */
import type { NabCostMatrix } from "../../../data/io/nab.ts";
import { alignColumns } from "../table.ts";
import { nabScore, type NabResult, type NabTally } from "./score.ts";
import { windowRows } from "./sweep.ts";

export { nabScore, type NabResult, type NabTally, type NabInput } from "./score.ts";
export { sweepFile, windowRows, scaledSigmoid, probationLength } from "./sweep.ts";

/** One scored file of a NAB corpus. */
export interface NabScoredFile {
  category: string;
  timestamps: Float64Array;
  /** Labelled windows as ms timestamps. */
  windows: readonly [number, number][];
  scores: ArrayLike<number>;
}

/** NAB results of one model: one entry per cost profile. */
export type NabReport = Record<string, NabResult>;

/** Scores a corpus under every profile (NAB's optimiser picks each profile's threshold). */
export function evaluateNab(files: readonly NabScoredFile[], profiles: Record<string, NabCostMatrix>): NabReport {
  const inputs = files.map((f) => ({ category: f.category, windows: windowRows(f.timestamps, f.windows), scores: f.scores }));
  const out: NabReport = {};
  for (const [name, costs] of Object.entries(profiles)) out[name] = nabScore(inputs, costs, name);
  return out;
}

const SHORT: Record<string, string> = { standard: "standard", reward_low_FP_rate: "low FP", reward_low_FN_rate: "low FN" };

function cell(t: NabTally): string {
  return t.score.toFixed(2);
}

/**
 * NAB scores of one or more models: a row per model (each profile's score and threshold, and
 * the standard profile's TP/FN/FP), then the standard score per category.
 */
export function formatNabTable(rows: readonly { model: string; nab: NabReport }[]): string {
  const profiles = Object.keys(rows[0]?.nab ?? {});
  const main = alignColumns(
    ["model", ...profiles.flatMap((p) => [`NAB ${SHORT[p] ?? p}`, "thr"]), "TP", "FN", "FP"],
    rows.map((r) => {
      const std = r.nab.standard ?? r.nab[profiles[0]];
      return [
        r.model,
        ...profiles.flatMap((p) => [cell(r.nab[p]), Number.isFinite(r.nab[p].threshold) ? r.nab[p].threshold.toFixed(3) : "-"]),
        String(std.tp),
        String(std.fn),
        String(std.fp),
      ];
    }),
  );
  const cats = [...new Set(rows.flatMap((r) => Object.keys((r.nab.standard ?? r.nab[profiles[0]]).byCategory)))].sort();
  const perCat = alignColumns(
    ["NAB standard by category", "windows", ...rows.map((r) => r.model)],
    cats.map((c) => {
      const any = rows.map((r) => (r.nab.standard ?? r.nab[profiles[0]]).byCategory[c]).find((t) => t);
      return [
        c,
        String(any?.windows ?? 0),
        ...rows.map((r) => {
          const t = (r.nab.standard ?? r.nab[profiles[0]]).byCategory[c];
          return t ? `${t.windows ? t.score.toFixed(2) : "-"} (TP ${t.tp}, FP ${t.fp})` : "-";
        }),
      ];
    }),
  );
  return `${main}\n\n${perCat}`;
}
