/**
 * Mapping checks: the field types Elasticsearch 8/9 knows (a template naming another type is
 * refused) and the leaf fields a document may not send an object for.
 * @module
 */
import type { Json } from "./types.ts";

/** Field types of Elasticsearch 8/9 (default distribution). */
const ES_TYPES = new Set(
  (
    "keyword constant_keyword wildcard text match_only_text annotated_text search_as_you_type completion token_count " +
    "long integer short byte double float half_float scaled_float unsigned_long date date_nanos boolean binary " +
    "object nested flattened passthrough ip version alias geo_point geo_shape point shape histogram aggregate_metric_double " +
    "dense_vector sparse_vector rank_feature rank_features semantic_text percolator join counted_keyword " +
    "integer_range long_range float_range double_range date_range ip_range"
  ).split(" "),
);
const LEAF_TYPES = new Set([...ES_TYPES].filter((t) => t !== "object" && t !== "nested" && t !== "flattened" && t !== "passthrough"));

/** Type names of `mappings` not known to Elasticsearch: `[field, type]` pairs. */
export function unknownTypes(mappings: unknown, prefix = ""): [string, string][] {
  const bad: [string, string][] = [];
  const m = (mappings ?? {}) as Json;
  for (const [name, def] of Object.entries((m.properties ?? {}) as Record<string, Json>)) {
    const field = prefix + name;
    if (typeof def.type === "string" && !ES_TYPES.has(def.type)) bad.push([field, def.type]);
    if (def.properties) bad.push(...unknownTypes(def, `${field}.`));
  }
  for (const entry of (m.dynamic_templates ?? []) as Record<string, Json>[]) {
    for (const [name, dt] of Object.entries(entry)) {
      const t = (dt.mapping as Json | undefined)?.type;
      if (typeof t === "string" && !ES_TYPES.has(t)) bad.push([`dynamic_templates.${name}`, t]);
    }
  }
  return bad;
}

/** The first template-mapped leaf field of `doc` that got an object: `[path, type, value]`. */
export function objectForLeaf(doc: unknown, mappings: Json, prefix = ""): [string, string, unknown] | undefined {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return undefined;
  const props = (mappings.properties ?? {}) as Record<string, Json>;
  for (const [k, v] of Object.entries(doc as Json)) {
    const def = props[k];
    if (!def) continue;
    const isObj = v !== null && typeof v === "object" && !Array.isArray(v);
    if (typeof def.type === "string" && LEAF_TYPES.has(def.type) && isObj) return [prefix + k, def.type, v];
    if (def.properties && isObj) {
      const hit = objectForLeaf(v, def, `${prefix}${k}.`);
      if (hit) return hit;
    }
  }
  return undefined;
}
