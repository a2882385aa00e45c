/**
 * Human-readable rendering of records for the stdout sink's `pretty` format.
 * @module
 */
import { type AnomalyRecord, isDriftEvent, type OutRecord } from "../../events.ts";

/** `name{k=v,...}` with labels sorted by key (no braces when there are no labels). */
export function seriesName(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return keys.length ? `${name}{${keys.map((k) => `${k}=${labels[k]}`).join(",")}}` : name;
}

/** `HH:MM:SS` of an ISO timestamp (UTC, as written in the record). */
function clock(iso: string): string {
  const m = /T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? m[1]! : iso;
}

/**
 * One line per record: anomaly and drift events readable, points as their JSON document.
 *
 * @example
 * formatPretty(anomaly);
 * // "ANOMALY open  synthetic.value{series=series_0003} score=0.93 model=online:default v1 at 12:00:01"
 */
export function formatPretty(r: OutRecord): string {
  if (r.kind === "point") return r.json ?? JSON.stringify(r.doc);
  if (isDriftEvent(r)) {
    const d = r.doc;
    const what = d.drift.stream === "score" ? "scores" : seriesName(d.metric.name, d.metric.labels);
    return `DRIFT   ${d.drift.state.padEnd(5)} ${what} psi=${d.drift.psi.toFixed(3)} level=${d.drift.level} model=${d.model.name} v${d.model.version} at ${clock(d["@timestamp"])}`;
  }
  const d = r.doc as AnomalyRecord;
  const series = seriesName(d.metric.name, d.metric.labels);
  const score = d.anomaly.peak_score.toFixed(2);
  let extra = d.anomaly.state === "close" ? ` points=${d.anomaly.points}` : "";
  // host-model events (scoring.host) name the metrics with the largest share of the error
  if (d.anomaly.contributors?.length) extra += ` top=${d.anomaly.contributors.map((c) => `${c.name}:${c.share.toFixed(2)}`).join(",")}`;
  return `ANOMALY ${d.anomaly.state.padEnd(5)} ${series} score=${score} model=${d.model.name} v${d.model.version} at ${clock(d["@timestamp"])}${extra}`;
}
