/**
 * Reading a Prometheus rule file for the tests: its expressions and what a person receiving the
 * alert needs (severity, summary, description). Syntax is promtool's job (`promtool check rules`).
 */
import { parse } from "yaml";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { type ExportedMetrics, exportedFromRegistry } from "./promql.ts";

/** One rule of a rule file. */
export interface RuleEntry {
  group: string;
  /** Alert name, or the recorded series' name. */
  name: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

// biome-ignore lint/suspicious/noExplicitAny: rule files are free-form YAML, read field by field
type Json = any;

/** The rules of a rule file's text (throws on YAML that does not parse). */
export function ruleEntries(text: string): RuleEntry[] {
  const doc: Json = parse(text);
  const out: RuleEntry[] = [];
  for (const g of doc?.groups ?? []) {
    for (const r of g.rules ?? []) {
      out.push({
        group: String(g.name),
        name: String(r.alert ?? r.record),
        expr: String(r.expr ?? ""),
        labels: r.labels ?? {},
        annotations: r.annotations ?? {},
      });
    }
  }
  return out;
}

/** Severities Alertmanager routes on (`labels.severity`). */
export const SEVERITIES = ["critical", "warning", "info"] as const;

/** What an alert rule lacks for the person who receives it: a severity, a summary and a description. */
export function alertProblems(rules: RuleEntry[]): string[] {
  const out: string[] = [];
  const names = new Set<string>();
  for (const r of rules) {
    if (names.has(r.name)) out.push(`${r.name}: duplicate name`);
    names.add(r.name);
    if (!(SEVERITIES as readonly string[]).includes(r.labels.severity))
      out.push(`${r.name}: expected labels.severity one of ${SEVERITIES.join(", ")}, found ${r.labels.severity}`);
    for (const a of ["summary", "description"]) if (!r.annotations[a]) out.push(`${r.name}: expected annotations.${a}`);
  }
  return out;
}

/**
 * What the agent exports, from the registry `/metrics` serves (`Telemetry`, runtime metrics
 * included): every sample name with its label names, whether observed yet or not.
 * `exported-metrics.test.ts` checks a running agent serves exactly these families.
 */
export function agentExported(): Promise<ExportedMetrics> {
  return exportedFromRegistry(new Telemetry().registry);
}

/**
 * Series that Prometheus itself makes for every target (not the agent's): `up` only, for the
 * "agent down" alert and the "agents up" stat.
 */
export const PROMETHEUS_SERIES = ["up"];
