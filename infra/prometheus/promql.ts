/**
 * What the dashboard and alert tests need to know about PromQL and the agent's `/metrics`: the
 * metric names and label names an expression uses ({@link promqlRefs}), and the sample names and
 * labels the agent exports ({@link exportedMetrics}, read from a `Telemetry` registry or from a
 * running agent's exposition text).
 *
 * The expression scanner is not a PromQL parser: syntax is checked by `promtool check rules`
 * (the tests put every Grafana expression into a rule file for it). It strips string literals,
 * range/subquery brackets and grouping clauses, then takes every identifier that is not a
 * function call, a keyword or a number as a metric name.
 */
import type { Registry } from "prom-client";

/** Names an expression refers to. */
export interface PromqlRefs {
  /** Metric (sample) names, e.g. `agent_scoring_latency_seconds_bucket`. */
  metrics: string[];
  /** Label names in selectors, per metric name (`name{label=…}`). */
  selectorLabels: Record<string, string[]>;
  /** Label names in `by`/`without`/`on`/`ignoring`/`group_left`/`group_right` clauses. */
  groupingLabels: string[];
  /** Problems that make the scan unreliable (`__name__` matchers, unbalanced brackets). */
  problems: string[];
}

const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2"]);
const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)\)/g;
const IDENT = /(?<![\w:.$])[a-zA-Z_:][\w:]*/g;

/** Replaces string literals ("…", '…', `…`) by empty ones, so nothing inside them is read as a name. */
function stripStrings(expr: string): string {
  return expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
}

/** Label names of a matcher list `a="x", b=~"y"` (strings already emptied). */
function matcherLabels(body: string): string[] {
  return body
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean)
    .map((m) => /^([a-zA-Z_][\w]*)\s*(=~|!~|!=|=)/.exec(m)?.[1] ?? `<unparsed:${m}>`);
}

/**
 * The metric names, selector labels and grouping labels of a PromQL expression. Grafana's
 * variables (`$__rate_interval`, `${instance}`) may appear: they are ignored.
 *
 * @example
 * promqlRefs('sum by (component) (rate(agent_points_in_total{instance=~"$instance"}[5m]))').metrics; // ["agent_points_in_total"]
 */
export function promqlRefs(expr: string): PromqlRefs {
  const problems: string[] = [];
  let s = stripStrings(expr).replace(/#[^\n]*/g, " ");
  const grouping = new Set<string>();
  s = s.replace(GROUPING, (_, _kw: string, labels: string) => {
    for (const l of labels.split(",").map((x) => x.trim())) if (l) grouping.add(l);
    return " ";
  });
  s = s.replace(/\[[^\]]*\]/g, " ");
  const selectorLabels: Record<string, string[]> = {};
  const metrics = new Set<string>();
  // A selector: an optional name, then {matchers}.
  s = s.replace(/([a-zA-Z_:][\w:]*)?\s*\{([^{}]*)\}/g, (_, name: string | undefined, body: string) => {
    const labels = matcherLabels(body);
    if (labels.includes("__name__")) problems.push(`a __name__ matcher hides the metric name: ${expr}`);
    if (name && !KEYWORDS.has(name)) {
      metrics.add(name);
      selectorLabels[name] = [...new Set([...(selectorLabels[name] ?? []), ...labels])];
    } else if (!name) problems.push(`a selector without a metric name: ${expr}`);
    return " ";
  });
  if (/[{}[\]]/.test(s)) problems.push(`unbalanced brackets: ${expr}`);
  for (const m of s.matchAll(IDENT)) {
    const name = m[0];
    const after = s.slice((m.index ?? 0) + name.length).trimStart();
    if (after.startsWith("(") || KEYWORDS.has(name.toLowerCase())) continue;
    metrics.add(name);
  }
  return { metrics: [...metrics].sort(), selectorLabels, groupingLabels: [...grouping].sort(), problems };
}

/** The samples the agent exports: sample name → its label names (histograms give `_bucket`/`_sum`/`_count`). */
export type ExportedMetrics = Map<string, Set<string>>;

/** Labels Prometheus adds to every scraped series (and the Pushgateway's grouping key). */
export const TARGET_LABELS = ["instance", "job"] as const;

/** {@link ExportedMetrics} of a prom-client registry (every metric, observed or not). */
export async function exportedFromRegistry(registry: Registry): Promise<ExportedMetrics> {
  const out: ExportedMetrics = new Map();
  const declared = new Map(registry.getMetricsAsArray().map((m) => [m.name, (m as unknown as { labelNames?: string[] }).labelNames ?? []]));
  for (const m of await registry.getMetricsAsJSON()) {
    const labels = new Set<string>(declared.get(m.name) ?? []);
    for (const v of m.values) for (const l of Object.keys(v.labels)) if (l !== "le") labels.add(l);
    const type = String(m.type);
    if (type === "histogram") {
      out.set(`${m.name}_bucket`, new Set([...labels, "le"]));
      out.set(`${m.name}_sum`, labels);
      out.set(`${m.name}_count`, labels);
    } else if (type === "summary") {
      out.set(m.name, new Set([...labels, "quantile"]));
      out.set(`${m.name}_sum`, labels);
      out.set(`${m.name}_count`, labels);
    } else out.set(m.name, labels);
  }
  return out;
}

/** Metric families (`# TYPE` lines) of an exposition text: name → type. */
export function familiesOfText(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE ([a-zA-Z_:][\w:]*) (\w+)$/gm)) out.set(m[1], m[2]);
  return out;
}

/** Sample names of an exposition text (every non-comment line), with the label names seen on each. */
export function samplesOfText(text: string): ExportedMetrics {
  const out: ExportedMetrics = new Map();
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s/.exec(line);
    if (!m) continue;
    const labels = out.get(m[1]) ?? new Set<string>();
    for (const l of (m[3] ?? "").matchAll(/([a-zA-Z_]\w*)="(?:[^"\\]|\\.)*"/g)) labels.add(l[1]);
    out.set(m[1], labels);
  }
  return out;
}

/** What is wrong with `expr` against `exported` (unknown metrics, unknown labels); empty when nothing. */
export function checkExpr(expr: string, exported: ExportedMetrics, allowed: { metrics?: string[] } = {}): string[] {
  const refs = promqlRefs(expr);
  const out = [...refs.problems];
  const allLabels = new Set<string>(TARGET_LABELS);
  for (const ls of exported.values()) for (const l of ls) allLabels.add(l);
  for (const m of refs.metrics) {
    if (allowed.metrics?.includes(m)) continue;
    if (!exported.has(m)) out.push(`unknown metric ${m} in: ${expr}`);
  }
  for (const [m, labels] of Object.entries(refs.selectorLabels)) {
    const known = exported.get(m);
    if (!known) continue;
    for (const l of labels) if (!known.has(l) && !(TARGET_LABELS as readonly string[]).includes(l)) out.push(`metric ${m} has no label ${l} in: ${expr}`);
  }
  for (const l of refs.groupingLabels) if (!allLabels.has(l)) out.push(`no exported metric has the label ${l} (grouping) in: ${expr}`);
  return out;
}
