/**
 * The `agent eval` HTML report: one self-contained file (inline CSS and SVG, no scripts,
 * fonts or network) with the comparison table, per-type recall and per-series plots.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { AnomalyRecord } from "../../data/types.ts";
import type { ComparisonRow } from "./format.ts";
import { comparisonTableHtml, escapeHtml, typeRecallTableHtml } from "./html.ts";
import { modelColor, renderSeriesSvg } from "./plot.ts";
import { DEFAULT_MAX_SERIES, selectSeries } from "./select.ts";
import type { SeriesEval } from "./types.ts";
import { groupBySeries, labelledWindows } from "./windows.ts";

/** One model in the report: its pooled result and its scored series. */
export interface ReportModel extends ComparisonRow {
  series: readonly SeriesEval[];
}

/** Everything {@link renderReport} needs. */
export interface ReportInput {
  title: string;
  generatedAt: string | Date;
  models: readonly ReportModel[];
  /** Series plotted (default 24): anomalous first, then a few clean ones. */
  maxSeries?: number;
  /** Dataset metadata, to shade and name windows by type; label runs are used otherwise. */
  anomalies?: readonly AnomalyRecord[];
}

/** Inline stylesheet of the report. */
export const REPORT_CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}h3{font-size:13px;margin:18px 0 2px;font-family:monospace}
.meta{color:#666;font-size:12px}
table{border-collapse:collapse;font-size:13px}th,td{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}
th{background:#f4f4f4}.num{text-align:right;font-variant-numeric:tabular-nums}
.legend span{display:inline-block;margin-right:14px;font-size:12px}.legend i{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:4px}
svg{display:block}.frame{fill:none;stroke:#ccc}.win{fill:#f8c9c4;fill-opacity:.7}
.val{fill:none;stroke:#333;stroke-width:1}.score{fill:none;stroke-width:1;opacity:.7}.thr{stroke-dasharray:4 3;stroke-width:1}
.ax{font:10px monospace;fill:#666}.end{text-anchor:end}
`.trim();

/**
 * Render the report as one HTML document string. Plots use the first model's series for values
 * and labels; other models' scores are matched by series name.
 * @example const html = renderReport({ title: "eval", generatedAt: new Date(), models });
 */
export function renderReport(input: ReportInput): string {
  const generated = input.generatedAt instanceof Date ? input.generatedAt.toISOString() : input.generatedAt;
  const base = input.models[0]?.series ?? [];
  const chosen = selectSeries(base, input.maxSeries ?? DEFAULT_MAX_SERIES);
  const byName = input.models.map((m) => new Map(m.series.map((s) => [s.name, s])));
  const records = groupBySeries(input.anomalies ?? []);
  const counts = input.models[0]?.result.counts;
  const legend = input.models.map((m, j) => `<span><i style="background:${modelColor(j)}"></i>${escapeHtml(m.model)}</span>`).join("");
  const plots = chosen.map((s) => {
    const models = input.models.flatMap((m, j) => {
      const own = byName[j].get(s.name);
      return own ? [{ model: m.model, scores: own.scores, threshold: own.threshold }] : [];
    });
    const windows = labelledWindows(s.labels, records.get(s.name));
    const svg = renderSeriesSvg({ name: s.name, timestamps: s.timestamps, values: s.values, windows, models });
    return `<section>\n<h3>${escapeHtml(s.name)} <span class="meta">${s.values.length} points, ${windows.length} labelled window(s)</span></h3>\n${svg}\n</section>`;
  });
  const summary = counts
    ? `${counts.series} series, ${counts.points} points (${counts.anomalous_points} anomalous), ${counts.windows} labelled windows, merge gap ${input.models[0].result.merge_gap}`
    : "no models";
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    "</head>",
    "<body>",
    `<h1>${escapeHtml(input.title)}</h1>`,
    `<p class="meta">Generated ${escapeHtml(generated)} · ${escapeHtml(summary)}</p>`,
    "<h2>Model comparison</h2>",
    comparisonTableHtml(input.models),
    '<p class="meta">F1/precision/recall point-wise; event-F1 over merged flagged runs; TTD = mean delay from window start to first flag; FP/1k = flagged normal points per 1000 normal points.</p>',
    "<h2>Event recall by anomaly type</h2>",
    typeRecallTableHtml(input.models),
    `<h2>Series (${chosen.length} of ${base.length})</h2>`,
    '<p class="meta">Values in black (left axis), labelled windows shaded, model scores on the 0..1 right axis with dashed thresholds; the strips below mark flagged points.</p>',
    `<p class="legend">${legend}</p>`,
    ...plots,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * Render the report and write it to `path` (parent directories created).
 * @returns the path and the number of bytes written.
 */
export async function writeReport(path: string, input: ReportInput): Promise<{ path: string; bytes: number }> {
  const html = renderReport(input);
  await mkdir(dirname(path), { recursive: true });
  const data = new TextEncoder().encode(html);
  await writeFile(path, data);
  return { path, bytes: data.byteLength };
}
