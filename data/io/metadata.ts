/**
 * On-disk JSON formats of a dataset folder, kept apart from the runtime types:
 * `labels.json` (NAB layout) and `metadata.json` (generator params + per-series facts).
 * snake_case here, camelCase in `data/types.ts`; this file is the only place they meet.
 */
import { z } from "zod";
import { formatIso } from "../time.ts";
import { ANOMALY_TYPES, type AnomalyRecord, type Dataset, type GeneratorParams, type InjectedAnomaly, type SeriesMeta } from "../types.ts";

/** What `anomaly_ratio` means, written next to it in `metadata.json`. */
export const ANOMALY_RATIO_MEANING =
  "anomaly_ratio is the fraction of series that carry at least one injected anomaly; the other series are clean (no anomaly, all labels 0).";

/** `labels.json`: file name → list of [start, end] ISO windows (inclusive), NAB layout. */
export const labelsJsonSchema = z.record(z.string(), z.array(z.tuple([z.string(), z.string()])));

/** Parsed `labels.json`. */
export type LabelsJson = z.infer<typeof labelsJsonSchema>;

const anomalyJsonSchema = z.object({
  type: z.enum(ANOMALY_TYPES),
  start: z.string(),
  end: z.string(),
  start_index: z.number().int().nonnegative(),
  end_index: z.number().int().nonnegative(),
  affected_start_index: z.number().int().optional(),
  affected_end_index: z.number().int().optional(),
  magnitude: z.number().optional(),
});

/** `metadata.json`; only `series[].name` and `series[].anomalies` are required when reading. */
export const metadataJsonSchema = z.object({
  params: z.record(z.string(), z.unknown()).optional(),
  series: z.array(
    z.object({
      name: z.string(),
      baseline: z.string().optional(),
      base_value: z.number().optional(),
      noise_level: z.number().optional(),
      noise_std: z.number().optional(),
      seasonal_amplitude: z.number().optional(),
      trend_total: z.number().optional(),
      anomalies: z.array(anomalyJsonSchema),
    }),
  ),
});

/** Parsed `metadata.json`. */
export type MetadataJson = z.infer<typeof metadataJsonSchema>;

/**
 * Build `labels.json` for a dataset: every series gets a key (`<name>.<ext>`), clean ones an
 * empty list. Windows come from `dataset.anomalies`.
 *
 * @example
 * toLabelsJson(ds, "csv")["series_0003.csv"]; // [["2026-01-01T05:00:00Z", "2026-01-01T05:04:00Z"]]
 */
export function toLabelsJson(dataset: Dataset, ext: string): LabelsJson {
  const out: LabelsJson = {};
  for (const s of dataset.series) out[`${s.name}.${ext}`] = [];
  for (const a of dataset.anomalies) (out[`${a.series}.${ext}`] ??= []).push([a.start, a.end]);
  return out;
}

/**
 * Build `metadata.json`. Per-series facts come from `meta` when the dataset is synthetic,
 * otherwise only names and anomalies are written.
 *
 * @example
 * toMetadataJson(ds, ds.params, "csv").params?.anomaly_ratio; // 0.3
 */
export function toMetadataJson(dataset: Dataset & { meta?: SeriesMeta[] }, params: GeneratorParams | undefined, format: string): MetadataJson {
  const byName = new Map<string, AnomalyRecord[]>();
  for (const a of dataset.anomalies) {
    const list = byName.get(a.series) ?? [];
    list.push(a);
    byName.set(a.series, list);
  }
  const metaByName = new Map((dataset.meta ?? []).map((m) => [m.name, m]));
  const series = dataset.series.map((s) => {
    const m = metaByName.get(s.name);
    const records: Array<AnomalyRecord | InjectedAnomaly> = m?.anomalies ?? byName.get(s.name) ?? [];
    const anomalies = records.map((a) => ({
      type: a.type,
      start: a.start,
      end: a.end,
      start_index: a.startIndex,
      end_index: a.endIndex,
      ...(isInjected(a) ? { affected_start_index: a.affectedStart, affected_end_index: a.affectedEnd, magnitude: round4(a.magnitude) } : {}),
    }));
    if (!m) return { name: s.name, anomalies };
    return {
      name: s.name,
      baseline: m.baseline,
      base_value: round4(m.baseValue),
      noise_level: round4(m.noiseLevel),
      noise_std: round4(m.noiseStd),
      seasonal_amplitude: round4(m.seasonalAmplitude),
      trend_total: round4(m.trendTotal),
      anomalies,
    };
  });
  const head = params && {
    seed: params.seed,
    n_series: params.nSeries,
    n_points: params.nPoints,
    anomaly_ratio: params.anomalyRatio,
    anomaly_ratio_meaning: ANOMALY_RATIO_MEANING,
    interval_seconds: params.intervalSeconds,
    start: formatIso(params.start),
    format,
  };
  return head ? { params: head, series } : { series };
}

/**
 * The anomaly records listed in a parsed `metadata.json`.
 *
 * @example
 * anomaliesFromMetadata(json)[0].type; // "spike"
 */
export function anomaliesFromMetadata(json: MetadataJson): AnomalyRecord[] {
  return json.series.flatMap((s) =>
    s.anomalies.map((a) => ({
      series: s.name,
      type: a.type,
      startIndex: a.start_index,
      endIndex: a.end_index,
      start: a.start,
      end: a.end,
    })),
  );
}

function isInjected(a: AnomalyRecord | InjectedAnomaly): a is InjectedAnomaly {
  return "affectedStart" in a;
}

function round4(v: number): number {
  return Math.round(v * 10000) / 10000;
}
