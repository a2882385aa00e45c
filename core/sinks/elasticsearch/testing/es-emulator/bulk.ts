/**
 * `POST|PUT /_bulk` and `/<index>/_bulk`: NDJSON `create` / `index` / `delete` actions, answered
 * in the shapes of ES's bulk examples (see the module comment of `index.ts`).
 * @module
 */
import { esError } from "./common.ts";
import { objectForLeaf } from "./mappings.ts";
import { indexFor } from "./templates.ts";
import type { EsState, Json } from "./types.ts";

/** Java's `Map.toString` preview of a parsed object, as in ES's "Preview of field's value". */
function preview(v: unknown): string {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    return `{${Object.entries(v as Json)
      .map(([k, x]) => `${k}=${preview(x)}`)
      .join(", ")}}`;
  }
  return String(v);
}

/** Runs one bulk body against `state`: `[status, body, per-item statuses]`. */
export function bulk(state: EsState, text: string, defaultIndex: string | undefined): [number, Json, number[]?] {
  if (text.length && !text.endsWith("\n")) {
    return [400, esError(400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]")];
  }
  const lines = text.split("\n");
  lines.pop();
  const t0 = performance.now();
  const items: Json[] = [];
  const statuses: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === "") continue;
    let action: Json;
    try {
      action = JSON.parse(lines[i]!) as Json;
    } catch {
      return [400, esError(400, "x_content_parse_exception", `Malformed action/metadata line [${i + 1}]`)];
    }
    const kind = Object.keys(action)[0];
    if (!kind || Object.keys(action).length !== 1 || !["create", "index", "delete"].includes(kind)) {
      return [
        400,
        esError(
          400,
          "illegal_argument_exception",
          `Malformed action/metadata line [${i + 1}], expected one of [create, delete, index, update] but found [${kind}]`,
        ),
      ];
    }
    const meta = (action[kind] ?? {}) as Json;
    let doc: unknown;
    if (kind !== "delete") {
      const src = lines[++i];
      if (src === undefined || src.trim() === "") return [400, esError(400, "action_request_validation_exception", `Validation Failed: 1: source is missing;`)];
      try {
        doc = JSON.parse(src);
      } catch (e) {
        return [400, esError(400, "x_content_parse_exception", `[1:1] ${(e as Error).message}`)];
      }
    }
    const index = (meta._index as string | undefined) ?? defaultIndex;
    if (!index) return [400, esError(400, "action_request_validation_exception", "Validation Failed: 1: index is missing;")];
    const id = (meta._id as string | undefined) ?? crypto.randomUUID().replace(/-/g, "").slice(0, 20);
    const item = (status: number, body: Json) => {
      statuses.push(status);
      items.push({ [kind]: { _index: index, _id: id, ...body, status } });
    };
    if (index !== index.toLowerCase() || /^[_\-+]/.test(index)) {
      const reason =
        index !== index.toLowerCase()
          ? `Invalid index name [${index}], must be lowercase`
          : `Invalid index name [${index}], must not start with '_', '-', or '+'`;
      item(400, { error: { type: "invalid_index_name_exception", reason, index_uuid: "_na_", index } });
      continue;
    }
    const idx = indexFor(state, index);
    const exists = idx.docs.has(id);
    const version = (idx.versions.get(id) ?? 0) + 1;
    const written = (result: string, status: number) => {
      idx.versions.set(id, version);
      item(status, { _version: version, result, _shards: { total: 2, successful: 1, failed: 0 }, _seq_no: idx.seqNo++, _primary_term: 1 });
    };
    if (kind === "delete") {
      idx.docs.delete(id);
      written(exists ? "deleted" : "not_found", exists ? 200 : 404);
      continue;
    }
    if (kind === "create" && exists) {
      const reason = `[${id}]: version conflict, document already exists (current version [${version - 1}])`;
      item(409, { error: { type: "version_conflict_engine_exception", reason, index_uuid: idx.uuid, shard: "0", index } });
      continue;
    }
    const wrong = objectForLeaf(doc, idx.mappings);
    if (wrong) {
      const [field, type, value] = wrong;
      const reason = `failed to parse field [${field}] of type [${type}] in document with id '${id}'. Preview of field's value: '${preview(value)}'`;
      item(400, { error: { type: "document_parsing_exception", reason } });
      continue;
    }
    idx.docs.set(id, doc);
    written(exists ? "updated" : "created", exists ? 200 : 201);
  }
  const took = Math.max(1, Math.round(performance.now() - t0));
  return [200, { took, errors: statuses.some((s) => s >= 300 && s !== 404), items }, statuses];
}
