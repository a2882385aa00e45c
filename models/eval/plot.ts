/**
 * One series as an inline SVG: the value line (gaps as breaks) on the left axis, labelled
 * windows shaded, each model's score (drawn under the values) on a 0..1 right axis with its threshold dashed, and a
 * strip per model marking flagged points. Long series are downsampled min/max per pixel.
 */
import { anyBuckets, bucketPath, minMaxBuckets } from "./downsample.ts";
import { flagPoints } from "./evaluate.ts";
import { escapeHtml } from "./html.ts";
import type { LabelledWindow } from "./windows.ts";

/** One model's scores on the plotted series. */
export interface PlotModel {
  model: string;
  scores: Float32Array;
  threshold: number;
}

/** What {@link renderSeriesSvg} draws. */
export interface SeriesPlot {
  name: string;
  timestamps: Float64Array;
  values: Float64Array;
  windows: readonly LabelledWindow[];
  models: readonly PlotModel[];
  /** Total SVG width in pixels (default 960). */
  width?: number;
}

/** Line colours assigned to models in order. */
export const MODEL_COLORS = ["#1f77b4", "#e6550d", "#2ca02c", "#9467bd", "#8c564b", "#d62790", "#17becf"];

/** Colour of the `i`-th model. */
export const modelColor = (i: number): string => MODEL_COLORS[i % MODEL_COLORS.length];

const M = { left: 58, right: 40, top: 8, plot: 150, strip: 7, bottom: 20 };

const num = (v: number): string => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-2) ? v.toExponential(2) : `${+v.toPrecision(4)}`);

const isoTime = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19).replace("T", " ") : "");

/** Finite min and max of `values`, widened when flat; `[0, 1]` when none is finite. */
function valueRange(values: Float64Array): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi >= lo)) return [0, 1];
  if (hi === lo) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/**
 * Render one series plot as a standalone `<svg>` element string (all text escaped).
 * @example html += renderSeriesSvg({ name, timestamps, values, windows, models: [{ model, scores, threshold }] });
 */
export function renderSeriesSvg(p: SeriesPlot): string {
  const width = p.width ?? 960;
  const pw = width - M.left - M.right;
  const n = p.values.length;
  const stripTop = M.top + M.plot + 4;
  const height = stripTop + p.models.length * M.strip + M.bottom;
  const k = Math.min(n, Math.round(pw));
  const bx = (b: number): number => M.left + ((b + 0.5) * pw) / Math.max(k, 1);
  const ix = (i: number): number => M.left + (i * pw) / Math.max(n, 1);
  const [lo, hi] = valueRange(p.values);
  const vy = (v: number): number => M.top + ((hi - v) / (hi - lo)) * M.plot;
  const sy = (s: number): number => M.top + (1 - Math.min(1, Math.max(0, s))) * M.plot;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escapeHtml(p.name)}</title>`,
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${M.plot}" class="frame"/>`,
  ];
  for (const w of p.windows) {
    const x0 = ix(w.start);
    const wpx = Math.max(1.5, ix(w.end + 1) - x0);
    out.push(
      `<rect x="${x0.toFixed(1)}" y="${M.top}" width="${wpx.toFixed(1)}" height="${M.plot}" class="win"><title>${escapeHtml(w.type)} [${w.start}, ${w.end}]</title></rect>`,
    );
  }
  if (n === 0) out.push(`<text x="${M.left + 8}" y="${M.top + 20}" class="ax">no data</text>`);
  p.models.forEach((m, j) => {
    const color = modelColor(j);
    const ty = sy(m.threshold).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${ty}" y2="${ty}" stroke="${color}" class="thr"/>`);
    out.push(`<path d="${bucketPath(minMaxBuckets(m.scores, k), bx, sy)}" stroke="${color}" class="score"/>`);
    const flagged = anyBuckets(flagPoints(m.scores, m.threshold), k);
    const y = stripTop + j * M.strip;
    out.push(`<g fill="${color}"><title>${escapeHtml(m.model)}: flagged</title>`);
    for (let b = 0; b < k; b++) {
      if (flagged[b] === 0) continue;
      let e = b;
      while (e + 1 < k && flagged[e + 1] === 1) e++;
      const x0 = M.left + (b * pw) / k;
      out.push(`<rect x="${x0.toFixed(1)}" y="${y}" width="${Math.max(1, ((e - b + 1) * pw) / k).toFixed(1)}" height="${M.strip - 2}"/>`);
      b = e;
    }
    out.push("</g>");
  });
  out.push(`<path d="${bucketPath(minMaxBuckets(p.values, k), bx, vy)}" class="val"/>`);
  const right = M.left + pw + 4;
  const bottom = height - 6;
  out.push(
    `<text x="${M.left - 4}" y="${M.top + 10}" class="ax end">${escapeHtml(num(hi))}</text>`,
    `<text x="${M.left - 4}" y="${M.top + M.plot}" class="ax end">${escapeHtml(num(lo))}</text>`,
    `<text x="${right}" y="${M.top + 10}" class="ax">1</text>`,
    `<text x="${right}" y="${(sy(0.5) + 4).toFixed(1)}" class="ax">0.5</text>`,
    `<text x="${right}" y="${M.top + M.plot}" class="ax">0</text>`,
  );
  if (n > 0) {
    out.push(
      `<text x="${M.left}" y="${bottom}" class="ax">${escapeHtml(isoTime(p.timestamps[0]))}</text>`,
      `<text x="${M.left + pw}" y="${bottom}" class="ax end">${escapeHtml(isoTime(p.timestamps[n - 1]))}</text>`,
    );
  }
  out.push("</svg>");
  return out.join("\n");
}
