/**
 * Reading and checking a Grafana dashboard (classic JSON model, as exported "for sharing
 * externally"): its structure ({@link dashboardProblems}), its PromQL ({@link dashboardExprs}) and
 * the rule file that lets `promtool` parse every expression ({@link exprsAsRuleFile}).
 * Used by agent-dashboard.test.ts.
 */

/** Grafana's built-in variables an expression may use. */
const BUILTIN_VARS = new Set(["__rate_interval", "__interval", "__interval_ms", "__range", "__range_s", "__range_ms"]);

/** Panel types the dashboard uses (all core panels of Grafana 11+). */
const PANEL_TYPES = new Set(["row", "timeseries", "stat", "table", "gauge", "bargauge", "text"]);

/** Datasource reference every panel, target and variable must use: the import input. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's import placeholder, not a JS template
export const DS_REF = { type: "prometheus", uid: "${DS_PROMETHEUS}" } as const;

/** Oldest schemaVersion accepted: Grafana 11.0's (39); 42 is the last of the classic model (Grafana 12.2+). */
export const MIN_SCHEMA_VERSION = 39;

// biome-ignore lint/suspicious/noExplicitAny: a dashboard is free-form JSON, read field by field
type Json = any;

/** One PromQL expression of the dashboard and where it is. */
export interface DashboardExpr {
  /** `panel <id> "<title>" <refId>` or `variable <name>`. */
  where: string;
  expr: string;
}

/** Every panel, rows' nested panels included. */
export function allPanels(dash: Json): Json[] {
  const out: Json[] = [];
  for (const p of dash.panels ?? []) {
    out.push(p);
    for (const q of p.panels ?? []) out.push(q);
  }
  return out;
}

/**
 * Every PromQL expression: panel targets, and the selector inside each query variable's
 * `label_values(<selector>, <label>)` (as `<selector>`).
 */
export function dashboardExprs(dash: Json): DashboardExpr[] {
  const out: DashboardExpr[] = [];
  for (const p of allPanels(dash)) for (const t of p.targets ?? []) out.push({ where: `panel ${p.id} "${p.title}" ${t.refId}`, expr: String(t.expr ?? "") });
  for (const v of dash.templating?.list ?? []) {
    if (v.type !== "query") continue;
    const q = typeof v.query === "string" ? v.query : String(v.query?.query ?? "");
    const m = /^label_values\((.*),\s*([a-zA-Z_]\w*)\)$/.exec(q.trim());
    out.push({ where: `variable ${v.name}`, expr: m ? m[1] : q });
  }
  return out;
}

function sameDs(ds: Json): boolean {
  return ds?.type === DS_REF.type && ds?.uid === DS_REF.uid;
}

/** Variables `$x` / `${x}` / `${x:fmt}` used in `s`. */
function varsIn(s: string): string[] {
  return [...s.matchAll(/\$(?:\{([a-zA-Z_]\w*)(?::\w+)?\}|([a-zA-Z_]\w*))/g)].map((m) => m[1] ?? m[2]);
}

/**
 * What is wrong with the dashboard's structure: the `DS_PROMETHEUS` input, schemaVersion, uid and
 * title; panels with a known type, a unique integer id, a `gridPos` inside the 24-column grid that
 * overlaps no other panel, the input's datasource, non-empty targets with unique refIds; variables
 * defined for every `$var` an expression uses. Empty when nothing is.
 */
export function dashboardProblems(dash: Json): string[] {
  const out: string[] = [];
  if (typeof dash !== "object" || dash === null || Array.isArray(dash)) return ["expected a JSON object"];
  const input = (dash.__inputs ?? []).find((i: Json) => i.name === "DS_PROMETHEUS");
  if (input?.type !== "datasource" || input.pluginId !== "prometheus")
    out.push("expected an __inputs entry DS_PROMETHEUS of type datasource, pluginId prometheus");
  if (!Number.isInteger(dash.schemaVersion) || dash.schemaVersion < MIN_SCHEMA_VERSION)
    out.push(`expected schemaVersion >= ${MIN_SCHEMA_VERSION}, found ${dash.schemaVersion}`);
  if (typeof dash.uid !== "string" || !/^[a-zA-Z0-9_-]{1,40}$/.test(dash.uid))
    out.push(`expected a uid of 1-40 [a-zA-Z0-9_-], found ${JSON.stringify(dash.uid)}`);
  if (typeof dash.title !== "string" || !dash.title) out.push("expected a title");
  if (dash.id !== null && dash.id !== undefined) out.push("expected id null (an import creates its own)");

  const vars = new Set<string>(BUILTIN_VARS);
  for (const v of dash.templating?.list ?? []) {
    if (typeof v.name !== "string") out.push("a variable without a name");
    else vars.add(v.name);
    if (v.type === "query" && !sameDs(v.datasource)) out.push(`variable ${v.name}: expected datasource ${JSON.stringify(DS_REF)}`);
  }

  const ids = new Set<number>();
  const titles = new Set<string>();
  const boxes: { id: number; x: number; y: number; w: number; h: number }[] = [];
  for (const p of allPanels(dash)) {
    const name = `panel ${p.id} "${p.title}"`;
    if (!Number.isInteger(p.id) || p.id < 1) out.push(`${name}: expected a positive integer id`);
    else if (ids.has(p.id)) out.push(`${name}: duplicate id ${p.id}`);
    else ids.add(p.id);
    if (!PANEL_TYPES.has(p.type)) out.push(`${name}: unknown panel type ${JSON.stringify(p.type)}`);
    if (typeof p.title !== "string" || !p.title) out.push(`${name}: expected a title`);
    else if (titles.has(p.title)) out.push(`${name}: duplicate title`);
    else titles.add(p.title);
    const g = p.gridPos;
    if (!g || ![g.x, g.y, g.w, g.h].every(Number.isInteger) || g.x < 0 || g.y < 0 || g.w < 1 || g.h < 1 || g.x + g.w > 24) {
      out.push(`${name}: expected gridPos {x, y, w, h} integers with x + w <= 24, found ${JSON.stringify(g)}`);
    } else {
      for (const b of boxes) {
        if (g.x < b.x + b.w && b.x < g.x + g.w && g.y < b.y + b.h && b.y < g.y + g.h) out.push(`${name}: gridPos overlaps panel ${b.id}`);
      }
      boxes.push({ id: p.id, ...g });
    }
    if (p.type === "row") continue;
    if (!sameDs(p.datasource)) out.push(`${name}: expected datasource ${JSON.stringify(DS_REF)}`);
    const targets: Json[] = p.targets ?? [];
    if (!targets.length) out.push(`${name}: no targets`);
    const refs = new Set<string>();
    for (const t of targets) {
      if (typeof t.refId !== "string" || !t.refId) out.push(`${name}: a target without refId`);
      else if (refs.has(t.refId)) out.push(`${name}: duplicate refId ${t.refId}`);
      else refs.add(t.refId);
      if (!sameDs(t.datasource)) out.push(`${name} ${t.refId}: expected datasource ${JSON.stringify(DS_REF)}`);
      if (typeof t.expr !== "string" || !t.expr.trim()) out.push(`${name} ${t.refId}: empty expr`);
    }
  }
  for (const e of dashboardExprs(dash)) for (const v of varsIn(e.expr)) if (!vars.has(v)) out.push(`${e.where}: variable $${v} is not defined`);
  return out;
}

/**
 * A Prometheus rule file with one recording rule per expression, Grafana's variables replaced by
 * values Prometheus accepts (`$__rate_interval` → `5m`, `$job` in a regex matcher → `.*`), for
 * `promtool check rules` to parse them.
 */
export function exprsAsRuleFile(exprs: DashboardExpr[]): string {
  const sub = (e: string) =>
    e
      .replace(/\$__rate_interval|\$__interval|\$\{__rate_interval\}|\$\{__interval\}/g, "5m")
      .replace(/\$__range|\$\{__range\}/g, "1h")
      .replace(/\$\{?[a-zA-Z_]\w*(?::\w+)?\}?/g, ".*");
  const rules = exprs.map((e, i) => `      - record: dashboard:expr_${i}\n        expr: ${JSON.stringify(sub(e.expr))}`);
  return `groups:\n  - name: dashboard\n    rules:\n${rules.join("\n")}\n`;
}
