/**
 * Composable index templates: the `PUT _index_template` body check, and the auto-creation of an
 * index with the mappings of its highest-priority matching template.
 * @module
 */
import { esError, globRe } from "./common.ts";
import { unknownTypes } from "./mappings.ts";
import type { EsState, Index, Json } from "./types.ts";

const TEMPLATE_FIELDS = new Set([
  "index_patterns",
  "template",
  "composed_of",
  "priority",
  "version",
  "_meta",
  "data_stream",
  "allow_auto_create",
  "ignore_missing_component_templates",
  "deprecated",
]);
const TEMPLATE_TEMPLATE_FIELDS = new Set(["settings", "mappings", "aliases", "lifecycle", "data_stream_options"]);

let uuidSeq = 0;
const fakeUuid = () => `emu${(++uuidSeq).toString(36).padStart(4, "0")}Xq1TcWmM0gLwBQ`.slice(0, 22);

/** The index `name`, auto-created with the mappings of the best matching template. */
export function indexFor({ indices, templates }: EsState, name: string): Index {
  let idx = indices.get(name);
  if (!idx) {
    const best = [...templates.values()]
      .filter((t) => (t.index_patterns as string[]).some((p) => globRe(p).test(name)))
      .sort((a, b) => Number(b.priority ?? 0) - Number(a.priority ?? 0))[0];
    const mappings = ((best?.template as Json | undefined)?.mappings ?? {}) as Json;
    idx = { uuid: fakeUuid(), mappings, docs: new Map(), versions: new Map(), seqNo: 0 };
    indices.set(name, idx);
  }
  return idx;
}

/** `PUT|POST /_index_template/<name>`: checks the body as ES does, then installs it. */
export function putTemplate({ templates }: EsState, name: string, body: unknown): [number, Json] {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return [400, esError(400, "x_content_parse_exception", "[1:1] [index_template] failed to parse object")];
  }
  const t = body as Json;
  for (const k of Object.keys(t)) {
    if (!TEMPLATE_FIELDS.has(k)) return [400, esError(400, "x_content_parse_exception", `[1:2] [index_template] unknown field [${k}]`)];
  }
  for (const k of Object.keys((t.template ?? {}) as Json)) {
    if (!TEMPLATE_TEMPLATE_FIELDS.has(k)) return [400, esError(400, "x_content_parse_exception", `[1:2] [template] unknown field [${k}]`)];
  }
  const patterns = t.index_patterns;
  if (!Array.isArray(patterns) || patterns.length === 0 || patterns.some((p) => typeof p !== "string")) {
    return [400, esError(400, "action_request_validation_exception", "Validation Failed: 1: index patterns are missing;")];
  }
  const bad = unknownTypes((t.template as Json | undefined)?.mappings);
  if (bad.length) {
    const [field, type] = bad[0]!;
    const reason = `Failed to parse mapping: No handler for type [${type}] declared on field [${field}]`;
    return [
      400,
      esError(400, "mapper_parsing_exception", reason, {
        caused_by: { type: "mapper_parsing_exception", reason: `No handler for type [${type}] declared on field [${field}]` },
      }),
    ];
  }
  templates.set(name, t);
  return [200, { acknowledged: true }];
}
