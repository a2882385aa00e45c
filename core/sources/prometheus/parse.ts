/**
 * Parser of the Prometheus text exposition format 0.0.4.
 */
import type { CollectResult, ComponentError, MetricSample } from "../../events.ts";
import { nameLength, parseSampleLine } from "./line.ts";

/** Metric families of `# TYPE`. */
export type PromType = "counter" | "gauge" | "histogram" | "summary" | "untyped";
const PROM_TYPES: ReadonlySet<string> = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** Errors reported one by one per parse; the rest are summed into one last error. */
export const MAX_REPORTED_ERRORS = 50;

/**
 * Sample type of series `name` given the declared families: a histogram's `_bucket`, `_sum`
 * and `_count` and a summary's `_sum` and `_count` are counters, a summary's quantiles gauges;
 * undeclared series are `untyped`.
 */
function sampleType(name: string, types: Map<string, PromType>): MetricSample["type"] {
  const t = types.get(name);
  if (t !== undefined) return t === "summary" ? "gauge" : t === "histogram" ? "untyped" : t;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!name.endsWith(suffix)) continue;
    const base = types.get(name.slice(0, -suffix.length));
    if (base === "histogram" || (base === "summary" && suffix !== "_bucket")) return "counter";
  }
  return "untyped";
}

/**
 * Parse a text exposition. Never throws: a malformed line becomes a `parse_error` naming its
 * line number and is skipped; a `NaN` sample is dropped with a `nan_value` error and a ±Inf one
 * with an `inf_value` error (detectors cannot score them); the `le="+Inf"` bucket of a histogram
 * is dropped silently (it always equals `_count`). Samples without a timestamp get `now`.
 * Past {@link MAX_REPORTED_ERRORS} errors, the rest are counted in one final error.
 *
 * @example
 * const { samples } = parseExposition('# TYPE up gauge\nup{job="node"} 1\n', Date.now());
 * samples[0]; // { name: "up", labels: { job: "node" }, value: 1, type: "gauge", timestamp: ... }
 */
export function parseExposition(text: string, now: number = Date.now()): CollectResult {
  const samples: MetricSample[] = [];
  const errors: ComponentError[] = [];
  const types = new Map<string, PromType>();
  const typeCache = new Map<string, MetricSample["type"]>();
  let suppressed = 0;
  const report = (type: string, lineNo: number, message: string): void => {
    if (errors.length < MAX_REPORTED_ERRORS) errors.push({ type, message: `line ${lineNo}: ${message}` });
    else suppressed++;
  };
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lineNo++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    let i = 0;
    while (i < line.length && (line[i] === " " || line[i] === "\t")) i++;
    if (i === line.length) continue;
    if (line[i] === "#") {
      const bad = readComment(line.slice(i), types);
      if (bad !== undefined) report("parse_error", lineNo, bad);
      continue;
    }
    const s = parseSampleLine(line, now);
    if (typeof s === "string") {
      report("parse_error", lineNo, `${s}: ${JSON.stringify(line.length > 120 ? line.slice(0, 120) + "…" : line)}`);
      continue;
    }
    if (Number.isNaN(s.value)) {
      report("nan_value", lineNo, `${s.name} is NaN`);
      continue;
    }
    if (!Number.isFinite(s.value)) {
      report("inf_value", lineNo, `${s.name} is ${s.value > 0 ? "+Inf" : "-Inf"}`);
      continue;
    }
    let type = typeCache.get(s.name);
    if (type === undefined) {
      type = sampleType(s.name, types);
      typeCache.set(s.name, type);
    }
    if (s.labels.le === "+Inf" && s.name.endsWith("_bucket") && type === "counter") continue;
    s.type = type;
    samples.push(s);
  }
  if (suppressed > 0) errors.push({ type: "parse_error", message: `${suppressed} further errors not listed` });
  return { samples, errors };
}

/** Handle a `#` line: record `# TYPE`, check `# HELP`; returns an error message or undefined. */
function readComment(line: string, types: Map<string, PromType>): string | undefined {
  const tok = line.trimEnd().split(/[ \t]+/);
  if (tok[0] !== "#" || (tok[1] !== "TYPE" && tok[1] !== "HELP")) return undefined; // plain comment
  const name = tok[2] ?? "";
  if (name === "" || nameLength(name, 0, true) !== name.length) return `${tok[1]} with invalid metric name ${JSON.stringify(name)}`;
  if (tok[1] === "HELP") return undefined;
  const kind = tok[3] ?? "";
  if (!PROM_TYPES.has(kind) || tok.length > 4) return `TYPE ${name}: unknown type ${JSON.stringify(tok.slice(3).join(" "))}`;
  if (types.has(name)) return `duplicate TYPE for ${name}`;
  types.set(name, kind as PromType);
  return undefined;
}
