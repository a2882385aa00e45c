/** Plain-text comparison of models for the terminal. */
import { fmtTypeRecall, metricColumns, type ComparisonRow } from "./format.ts";
import { typeOrder } from "./type-order.ts";

/** Pad cells into aligned columns: first column left-aligned, the others right-aligned. */
export function alignColumns(header: readonly string[], body: readonly string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...body.map(line)].join("\n");
}

/**
 * One row per model (F1, event-F1, precision, recall, PR-AUC, ROC-AUC, TTD, FP/1k, plus fit
 * seconds and windows/s when given), then event recall per anomaly type, one column per model.
 * @example console.log(formatComparisonTable([{ model: "autoencoder", result, fitSeconds: 12 }]));
 */
export function formatComparisonTable(rows: readonly ComparisonRow[]): string {
  const cols = metricColumns(rows);
  const main = alignColumns(
    ["model", ...cols.map((c) => c.header)],
    rows.map((r) => [r.model, ...cols.map((c) => c.cell(r))]),
  );
  const types = typeOrder(rows.flatMap((r) => Object.keys(r.result.recall_by_type)));
  if (types.length === 0) return main;
  const perType = alignColumns(
    ["recall by type", ...rows.map((r) => r.model)],
    types.map((t) => [t, ...rows.map((r) => fmtTypeRecall(r.result, t))]),
  );
  return `${main}\n\n${perType}`;
}
