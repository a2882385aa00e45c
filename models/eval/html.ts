/** HTML escaping and the report's metric tables. */
import { fmtTypeRecall, metricColumns, type ComparisonRow } from "./format.ts";
import { typeOrder } from "./type-order.ts";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escape text for HTML element content and quoted attribute values.
 * @example escapeHtml(`a<b & "c"`) // "a&lt;b &amp; &quot;c&quot;"
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A `<table>` from escaped-on-the-way-in header and body cells; numeric columns right-aligned. */
export function htmlTable(header: readonly string[], body: readonly string[][]): string {
  const th = header.map((h, c) => `<th${c > 0 ? ' class="num"' : ""}>${escapeHtml(h)}</th>`).join("");
  const rows = body.map((row) => `<tr>${row.map((cell, c) => `<td${c > 0 ? ' class="num"' : ""}>${escapeHtml(cell)}</td>`).join("")}</tr>`);
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table>`;
}

/** The model comparison as an HTML table (same columns as the terminal table). */
export function comparisonTableHtml(rows: readonly ComparisonRow[]): string {
  const cols = metricColumns(rows);
  return htmlTable(
    ["model", ...cols.map((c) => c.header)],
    rows.map((r) => [r.model, ...cols.map((c) => c.cell(r))]),
  );
}

/** Event recall per anomaly type (rows) and model (columns) as an HTML table. */
export function typeRecallTableHtml(rows: readonly ComparisonRow[]): string {
  const types = typeOrder(rows.flatMap((r) => Object.keys(r.result.recall_by_type)));
  return htmlTable(
    ["anomaly type", ...rows.map((r) => r.model)],
    types.map((t) => [t, ...rows.map((r) => fmtTypeRecall(r.result, t))]),
  );
}
