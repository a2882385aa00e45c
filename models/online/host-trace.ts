/**
 * The recorded host trace (`testdata/host-trace/`, see its README): this machine's procfs
 * metrics every 5 s, an idle phase then load phases (stress-ng), and what a detector does on it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { csvRecords } from "../../data/io/csv.ts";
import { parseTimestamp } from "../../data/time.ts";
import type { ScoringModel } from "../model.ts";
import { z } from "zod";

const PhasesSchema = z.array(z.object({ name: z.string(), onset: z.string(), end: z.string().optional() }).strict()).max(100);

/** The trace: one column per series, NaN where a round had no sample. */
export interface HostTrace {
  timestamps: Float64Array;
  series: { name: string; values: Float64Array }[];
  phases: { name: string; onset: number; end: number }[];
}

/** Directory of the committed trace. */
export const HOST_TRACE_DIR = join(import.meta.dir, "testdata", "host-trace");

/** Reads `trace.csv.gz` and `phases.json` from `dir`. */
export function readHostTrace(dir = HOST_TRACE_DIR): HostTrace {
  const text = new TextDecoder().decode(Bun.gunzipSync(readFileSync(join(dir, "trace.csv.gz"))));
  const records = [...csvRecords(text)];
  const header = records[0].fields;
  const n = records.length - 1;
  const timestamps = new Float64Array(n);
  const series = header.slice(1).map((name) => ({ name, values: new Float64Array(n).fill(Number.NaN) }));
  records.slice(1).forEach((r, i) => {
    timestamps[i] = parseTimestamp(r.fields[0]);
    for (let c = 1; c < header.length; c++) if (r.fields[c] !== "" && r.fields[c] !== undefined) series[c - 1].values[i] = Number(r.fields[c]);
  });
  const phases = PhasesSchema.parse(JSON.parse(readFileSync(join(dir, "phases.json"), "utf8"))).map((p) => ({
    name: p.name,
    onset: parseTimestamp(p.onset),
    end: p.end === undefined ? Number.NaN : parseTimestamp(p.end),
  }));
  return { timestamps, series, phases };
}

/** What a detector did on the trace. */
export interface HostTraceReport {
  series: number;
  constantSeries: number;
  /** Alarms (score ≥ threshold) in the idle phase, per series per hour, averaged over series. */
  idleAlarmsPerSeriesHour: number;
  /** Largest number of idle-phase alarms of any one series, and which. */
  idleMaxAlarms: { series: string; alarms: number };
  idleMinutes: number;
  constantWithAlarms: string[];
  /** For each load phase: the first alarm within `withinSamples` after its onset, if any. */
  onsets: { phase: string; found: boolean; samples?: number; series?: string[] }[];
}

/**
 * Scores every series of the trace with `model` (timestamps given) and tallies alarms. The idle
 * phase runs from the first scored sample to the first onset; a series that was constant over
 * the whole trace is "constant".
 */
export async function hostTraceReport(model: ScoringModel, trace: HostTrace, withinSamples = 3): Promise<HostTraceReport> {
  const scores = await model.scoreSeries(
    trace.series.map((s) => s.values),
    trace.series.map(() => trace.timestamps),
  );
  const t = trace.timestamps;
  const firstOnset = Math.min(...trace.phases.map((p) => p.onset));
  const idleEnd = t.findIndex((x) => x >= firstOnset);
  const idleMinutes = (t[idleEnd - 1] - t[0]) / 60_000;
  let idleAlarms = 0;
  let idleMax = { series: "", alarms: 0 };
  const constantWithAlarms: string[] = [];
  let constantSeries = 0;
  trace.series.forEach((s, k) => {
    const finite = Array.from(s.values).filter(Number.isFinite);
    const constant = finite.length > 0 && finite.every((v) => v === finite[0]);
    let alarms = 0;
    let any = 0;
    for (let i = 0; i < t.length; i++) {
      if (scores[k][i] < model.threshold) continue;
      any++;
      if (i < idleEnd) alarms++;
    }
    idleAlarms += alarms;
    if (alarms > idleMax.alarms) idleMax = { series: s.name, alarms };
    if (constant) {
      constantSeries++;
      if (any > 0) constantWithAlarms.push(s.name);
    }
  });
  const onsets = trace.phases.map((p) => {
    const i0 = t.findIndex((x) => x >= p.onset);
    for (let d = 0; d <= withinSamples && i0 + d < t.length; d++) {
      const hit = trace.series.filter((_, k) => scores[k][i0 + d] >= model.threshold).map((s) => s.name);
      if (hit.length) return { phase: p.name, found: true, samples: d, series: hit };
    }
    return { phase: p.name, found: false };
  });
  return {
    series: trace.series.length,
    constantSeries,
    idleAlarmsPerSeriesHour: idleAlarms / trace.series.length / (idleMinutes / 60),
    idleMaxAlarms: idleMax,
    idleMinutes,
    constantWithAlarms,
    onsets,
  };
}
