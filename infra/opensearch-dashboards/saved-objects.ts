/**
 * Reading and checking an OpenSearch Dashboards / Kibana saved-objects file (the NDJSON of
 * `POST /api/saved_objects/_import`: one object a line with `type`, `id`, `attributes`,
 * `references`). Used by agent-saved-objects.test.ts.
 */

/** Saved-object types the file may hold. */
export const TYPES = ["index-pattern", "search", "visualization", "dashboard"] as const;

/** Name of the reference that carries a search's or visualization's index pattern. */
export const INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index";

/** One saved object. */
export interface SavedObject {
  type: (typeof TYPES)[number];
  id: string;
  // biome-ignore lint/suspicious/noExplicitAny: attributes are free-form, read field by field
  attributes: Record<string, any>;
  references: { name: string; type: string; id: string }[];
}

/** A field a search or visualization reads, and how. */
export interface FieldUse {
  /** `<type>/<id>`. */
  object: string;
  /** Id of the index pattern it reads. */
  indexPattern: string;
  field: string;
  /** Aggregated (terms, max, date_histogram…): needs a keyword, numeric, date or boolean field. */
  aggregated: boolean;
}

/** Objects of an NDJSON text and what is wrong with each line (bad JSON, missing keys, unknown type, duplicates). */
export function parseSavedObjects(text: string): { objects: SavedObject[]; problems: string[] } {
  const objects: SavedObject[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let o: SavedObject;
    try {
      o = JSON.parse(line);
    } catch (e) {
      problems.push(`line ${i + 1}: not JSON: ${(e as Error).message}`);
      return;
    }
    const bad = (what: string) => problems.push(`line ${i + 1}: expected ${what}`);
    if (typeof o !== "object" || o === null) return bad("an object");
    if (!(TYPES as readonly string[]).includes(o.type)) return bad(`type one of ${TYPES.join(", ")}, found ${JSON.stringify(o.type)}`);
    if (typeof o.id !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(o.id)) return bad(`an id of [a-z0-9-], found ${JSON.stringify(o.id)}`);
    if (typeof o.attributes !== "object" || o.attributes === null || typeof o.attributes.title !== "string") return bad("attributes with a title");
    if (!Array.isArray(o.references) || !o.references.every((r) => typeof r?.name === "string" && typeof r?.type === "string" && typeof r?.id === "string")) {
      return bad("references: [{ name, type, id }]");
    }
    const key = `${o.type}/${o.id}`;
    if (seen.has(key)) problems.push(`line ${i + 1}: duplicate ${key}`);
    seen.add(key);
    objects.push(o);
  });
  return { objects, problems };
}

/** Parses a JSON-in-a-string attribute, or records why not. */
function inner(o: SavedObject, path: string, value: unknown, problems: string[]): unknown {
  if (typeof value !== "string") {
    problems.push(`${o.type}/${o.id}: expected ${path} as a JSON string`);
    return undefined;
  }
  try {
    return JSON.parse(value);
  } catch (e) {
    problems.push(`${o.type}/${o.id}: ${path} is not JSON: ${(e as Error).message}`);
    return undefined;
  }
}

/**
 * What does not resolve: every reference names an object of the file (type and id); a
 * searchSourceJSON's `indexRefName` and a panel's `panelRefName` name one of the object's references;
 * every search and visualization reads an index pattern; the JSON-in-strings parse.
 */
export function referenceProblems(objects: SavedObject[]): string[] {
  const out: string[] = [];
  const keys = new Set(objects.map((o) => `${o.type}/${o.id}`));
  for (const o of objects) {
    const names = new Set(o.references.map((r) => r.name));
    for (const r of o.references) if (!keys.has(`${r.type}/${r.id}`)) out.push(`${o.type}/${o.id}: reference ${r.name} → ${r.type}/${r.id} is not in the file`);
    const meta = o.attributes.kibanaSavedObjectMeta?.searchSourceJSON;
    if (o.type === "search" || o.type === "visualization" || o.type === "dashboard") {
      const ss = inner(o, "kibanaSavedObjectMeta.searchSourceJSON", meta, out) as { indexRefName?: string } | undefined;
      if (ss?.indexRefName && !names.has(ss.indexRefName)) out.push(`${o.type}/${o.id}: indexRefName ${ss.indexRefName} is not a reference`);
      if (o.type !== "dashboard" && !o.references.some((r) => r.name === INDEX_REF && r.type === "index-pattern"))
        out.push(`${o.type}/${o.id}: reads no index pattern`);
    }
    if (o.type === "visualization") inner(o, "visState", o.attributes.visState, out);
    if (o.type === "dashboard") {
      const panels = inner(o, "panelsJSON", o.attributes.panelsJSON, out);
      if (panels !== undefined && !Array.isArray(panels)) out.push(`dashboard/${o.id}: panelsJSON is not an array`);
      for (const p of Array.isArray(panels) ? panels : []) {
        if (!names.has(p.panelRefName)) out.push(`dashboard/${o.id}: panel ${p.panelIndex} panelRefName ${p.panelRefName} is not a reference`);
      }
    }
  }
  return out;
}

/** Field names of a simple KQL/Lucene query (`a.b:value AND c:d`). */
export function queryFields(query: string): string[] {
  return [...query.matchAll(/([@\w][\w.@]*)\s*:/g)].map((m) => m[1]);
}

/** The query text of an object's searchSourceJSON ("" when none). */
export function queryOf(o: SavedObject): string {
  try {
    return String(JSON.parse(o.attributes.kibanaSavedObjectMeta?.searchSourceJSON ?? "{}").query?.query ?? "");
  } catch {
    return "";
  }
}

/** Every field each search and visualization reads: columns, sort, query, aggregation fields; and each index pattern's time field. */
export function fieldUses(objects: SavedObject[]): FieldUse[] {
  const out: FieldUse[] = [];
  for (const o of objects) {
    const object = `${o.type}/${o.id}`;
    if (o.type === "index-pattern") {
      if (o.attributes.timeFieldName) out.push({ object, indexPattern: o.id, field: o.attributes.timeFieldName, aggregated: true });
      continue;
    }
    const ip = o.references.find((r) => r.name === INDEX_REF)?.id;
    if (!ip) continue;
    for (const f of queryFields(queryOf(o))) out.push({ object, indexPattern: ip, field: f, aggregated: false });
    if (o.type === "search") {
      for (const c of o.attributes.columns ?? []) out.push({ object, indexPattern: ip, field: c, aggregated: false });
      for (const [f] of o.attributes.sort ?? []) out.push({ object, indexPattern: ip, field: f, aggregated: true });
    }
    if (o.type === "visualization") {
      let vis: { aggs?: { params?: { field?: string } }[] } = {};
      try {
        vis = JSON.parse(o.attributes.visState);
      } catch {
        /* reported by referenceProblems */
      }
      for (const a of vis.aggs ?? []) if (a.params?.field) out.push({ object, indexPattern: ip, field: a.params.field, aggregated: true });
    }
  }
  return out;
}

/** Field types of an index mapping's `properties`, flattened to dotted paths (`anomaly.score` → `float`). */
export function mappingFields(properties: Record<string, unknown>, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(properties)) {
    const def = v as { type?: string; properties?: Record<string, unknown> };
    const path = prefix + k;
    if (def.properties) {
      out.set(path, def.type ?? "object");
      for (const [p, t] of mappingFields(def.properties, `${path}.`)) out.set(p, t);
    } else out.set(path, def.type ?? "object");
  }
  return out;
}

/** Field types a search engine can aggregate and sort on (doc values). */
export const AGGREGATABLE = new Set(["keyword", "long", "integer", "short", "byte", "double", "float", "half_float", "date", "boolean", "ip"]);

/** What is wrong with the fields read, against an index's mapped fields (dynamic `metric.labels.*` are keywords). */
export function fieldProblems(uses: FieldUse[], fields: Map<string, string>): string[] {
  const out: string[] = [];
  for (const u of uses) {
    const type = fields.get(u.field) ?? (u.field.startsWith("metric.labels.") ? "keyword" : undefined);
    if (!type) out.push(`${u.object}: field ${u.field} is not in the mapping`);
    else if (u.aggregated && !AGGREGATABLE.has(type)) out.push(`${u.object}: field ${u.field} is a ${type}, which cannot be aggregated or sorted`);
  }
  return out;
}

/** True when an index pattern title (comma-separated, `*` wildcards, `-` exclusions ignored) matches `index`. */
export function patternMatches(title: string, index: string): boolean {
  return title
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith("-"))
    .some((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(index));
}
