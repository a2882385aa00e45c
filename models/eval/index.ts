/**
 * Evaluation metrics and the HTML report for `agent eval`.
 * @example
 * const result = evaluate(scoredSeries, dataset.anomalies);
 * console.log(formatComparisonTable([{ model: "autoencoder", result }]));
 * await writeReport("out/report.html", { title: "eval", generatedAt: new Date(), models: [{ model: "autoencoder", result, series: scoredSeries }] });
 */
export { evaluate, flagPoints } from "./evaluate.ts";
export { predictedEvents, type PredictedEvent } from "./events.ts";
export { rankingMetrics, type RankingMetrics } from "./ranking.ts";
export { formatComparisonTable } from "./table.ts";
export type { ComparisonRow } from "./format.ts";
export { renderReport, writeReport, type ReportInput, type ReportModel } from "./report.ts";
export { renderSeriesSvg, type SeriesPlot, type PlotModel } from "./plot.ts";
export { selectSeries, DEFAULT_MAX_SERIES } from "./select.ts";
export { labelledWindows, windowsFromLabels, UNKNOWN_TYPE, type LabelledWindow } from "./windows.ts";
export { EVAL_DEFAULTS, type EvalOptions, type EvalResult, type EvalCounts, type SeriesEval, type TypeRecall } from "./types.ts";
