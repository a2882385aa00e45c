/**
 * A small in-process Elasticsearch 8.x / 9.x emulator (Bun.serve on a free port) for the sink's
 * wire-compatibility tests. TEST-ONLY: never imported at runtime.
 *
 * What it emulates, as the real servers do it (sources below):
 *
 *  - **Product header.** Every response, errors included, carries `X-elastic-product: Elasticsearch`
 *    (`RestController.dispatchRequest` / `dispatchBadRequest` add it). `productHeader: false`
 *    switches it off, to play a server that is not Elasticsearch (or a proxy that strips it).
 *  - **`GET /` / `HEAD /`.** The root document: `name`, `cluster_name`, `cluster_uuid`,
 *    `version.{number, build_flavor: "default", build_type, build_hash, build_date, build_snapshot,
 *    lucene_version, minimum_wire_compatibility_version, minimum_index_compatibility_version}`,
 *    `tagline: "You Know, for Search"`. Build values are illustrative.
 *  - **Media types** (`RestRequest` + `ParsedMediaType` + `RestCompatibleVersionHelper`), checked on
 *    every request before routing, with current major N and minimum N-1 (8 → 8|7, 9 → 9|8):
 *    a header value containing `,` (a media range) or equal to `*∕*` counts as absent; a malformed
 *    one → 400 `media_type_header_exception` "Invalid media-type value on headers [Accept]" (or
 *    `[Content-Type]`) caused by `illegal_argument_exception`; `compatible-with=V` outside N-1..N
 *    on `Accept` (always) or `Content-Type` (requests with a body), mismatching versions, or one
 *    header versioned and the other not (body requests) → 400 `media_type_header_exception`
 *    "Invalid media-type value on headers [Accept, Content-Type]" caused by `status_exception`
 *    with ES's message, e.g. "Accept version must be either version 8 or 7, but found 9.
 *    Accept=application/vnd.elasticsearch+json; compatible-with=9".
 *  - **Content-Type of bodies** (`RestController.dispatchRequest`): missing → 406 "Content-Type
 *    header is missing"; `text/plain`, `application/x-www-form-urlencoded`, `multipart/form-data`
 *    or an unknown type → 406 "Content-Type header [..] is not supported". Known: `application/json`,
 *    `application/x-ndjson`, `application/*`, `application/vnd.elasticsearch+json|x-ndjson`
 *    (smile/yaml/cbor are recognised but the emulator cannot parse them: 400 "not emulated").
 *    `Content-Encoding: gzip` bodies are inflated.
 *  - **Response Content-Type**: `application/vnd.elasticsearch+json;compatible-with=V` when the
 *    request's Accept asked for a compatible version, else `application/json`.
 *  - **`PUT|POST /_index_template/<name>`**: the composable-template body is checked (JSON object,
 *    non-empty `index_patterns`, only the top-level fields and `template.*` fields ES knows, every
 *    mapping `type` one ES 8/9 has, e.g. OpenSearch's `flat_object` is refused with ES's
 *    `mapper_parsing_exception` "No handler for type [..] declared on field [..]"); answers
 *    `{"acknowledged":true}`. `GET` (`{"index_templates":[{name,index_template}]}`, 404
 *    `resource_not_found_exception`) and `DELETE` too.
 *  - **`POST|PUT /_bulk`, `/<index>/_bulk`**: NDJSON that must end with `\n` (else 400
 *    `illegal_argument_exception` "The bulk request must be terminated by a newline [\n]");
 *    `create` / `index` / `delete` actions; an index is auto-created with the mappings of the
 *    highest-priority matching template; `create` of a new `_id` → 201 with `_version`, `result`,
 *    `_shards`, `_seq_no`, `_primary_term`; of an existing `_id` → 409
 *    `version_conflict_engine_exception` "[<id>]: version conflict, document already exists
 *    (current version [1])"; an object sent for a leaf field mapped by the template → 400
 *    `document_parsing_exception` (reason without ES's `[line:col]` prefix); an upper-case index
 *    name → 400 `invalid_index_name_exception`. Response `{took, errors, items:[{<action>:{...}}]}`.
 *  - **`filter_path`** on any 2xx JSON answer: comma-separated include paths, `*` globs within a
 *    segment, `**` for any depth, arrays transparent, emptied objects and array entries dropped
 *    (as in ES's bulk example `filter_path=items.*.error`). Not applied to error bodies (ES neither).
 *  - Unknown routes → 400 `{"error":"no handler found for uri [..] and method [..]"}`; a known
 *    route with another method → 405 "Incorrect HTTP method for uri [..] and method [..], allowed: [..]".
 *
 * Not emulated: security (no 401/403), any other API (search, count, refresh...: read
 * {@link EsEmulator.docs} instead), dynamic mapping of fields the template does not map, template
 * priority-overlap validation and the built-in `logs-*-*` / `metrics-*-*` data-stream templates,
 * `update` actions, `filter_path` exclusions (`-path`), several `Accept` header lines (Bun joins
 * them with `,`, which then reads as a media range), non-numeric `compatible-with` values (answered
 * as a malformed header), shards/replicas, refresh, 413/429 back-pressure.
 *
 * Sources: elastic/elasticsearch `server/.../rest/RestRequest.java`,
 * `RestCompatibleVersionHelper.java`, `RestController.java`,
 * `libs/x-content/.../ParsedMediaType.java`, `XContentType.java`; elastic/elasticsearch-specification
 * `specification/_global/bulk/examples/response/BulkResponseExample{1,2,3}.yaml`,
 * `_global/info/examples/response/RootNodeInfoResponseExample1.yaml`, `BulkResponse.ts`;
 * reports of the 9.x clients against ES 8 ("BadRequestError(400, 'media_type_header_exception',
 * 'Invalid media-type value on headers [Accept, Content-Type]', Accept version must be either
 * version 8 or 7, but found 9. Accept=application/vnd.elasticsearch+json; compatible-with=9)").
 * @module
 */

/** Options of {@link startEsEmulator}. */
export interface EsEmulatorOptions {
  /** Which Elasticsearch major to emulate. */
  major: 8 | 9;
  /** `version.number` of `GET /` (default `8.19.3` / `9.1.5`). */
  version?: string;
  /** Send `X-elastic-product: Elasticsearch` (default true). */
  productHeader?: boolean;
}

/** One request the emulator answered. */
export interface EsRequestLog {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | null;
  accept: string | null;
  status: number;
  /** Per-item statuses of a bulk answer, before `filter_path`. */
  itemStatuses?: number[];
}

/** A running emulator. */
export interface EsEmulator {
  url: string;
  version: string;
  /** Installed index templates by name (the body as sent). */
  templates: Map<string, Record<string, unknown>>;
  /** Stored documents of `index` by `_id` (empty map when the index does not exist). */
  docs(index: string): Map<string, unknown>;
  /** Every request answered, oldest first. */
  requests: EsRequestLog[];
  stop(): void;
}

type Json = Record<string, unknown>;
interface Parsed {
  raw: string;
  type: string;
  params: Record<string, string>;
}
interface Index {
  uuid: string;
  mappings: Json;
  docs: Map<string, unknown>;
  versions: Map<string, number>;
  seqNo: number;
}

const TCHAR = /^[a-zA-Z0-9!#$%&'*+\-.^_`|~]+$/;
const SAFELISTED = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);
const JSON_TYPES = new Set(["application/json", "application/x-ndjson", "application/*", "application/vnd.elasticsearch+json", "application/vnd.elasticsearch+x-ndjson"]);
const OTHER_XCONTENT = new Set(["application/smile", "application/yaml", "application/cbor", "application/vnd.elasticsearch+smile", "application/vnd.elasticsearch+yaml", "application/vnd.elasticsearch+cbor"]);
const TEMPLATE_FIELDS = new Set(["index_patterns", "template", "composed_of", "priority", "version", "_meta", "data_stream", "allow_auto_create", "ignore_missing_component_templates", "deprecated"]);
const TEMPLATE_TEMPLATE_FIELDS = new Set(["settings", "mappings", "aliases", "lifecycle", "data_stream_options"]);
/** Field types of Elasticsearch 8/9 (default distribution). */
const ES_TYPES = new Set(
  ("keyword constant_keyword wildcard text match_only_text annotated_text search_as_you_type completion token_count " +
    "long integer short byte double float half_float scaled_float unsigned_long date date_nanos boolean binary " +
    "object nested flattened passthrough ip version alias geo_point geo_shape point shape histogram aggregate_metric_double " +
    "dense_vector sparse_vector rank_feature rank_features semantic_text percolator join counted_keyword " +
    "integer_range long_range float_range double_range date_range ip_range").split(" "),
);
const LEAF_TYPES = new Set([...ES_TYPES].filter((t) => t !== "object" && t !== "nested" && t !== "flattened" && t !== "passthrough"));

class HeaderError extends Error {}

/** `ParsedMediaType.parseMediaType`: null for absent, media ranges and `*∕*`; throws when malformed. */
function parseMediaType(raw: string | null, name: string): Parsed | null {
  if (raw === null) return null;
  if (raw.trim() === "") throw new HeaderError(`Header [${name}] cannot be empty.`);
  if (raw.includes(",") || raw === "*/*") return null;
  const elements = raw.toLowerCase().split(";");
  const mt = elements[0]!.split("/");
  if (mt.length !== 2 || !TCHAR.test(mt[0]!.trim()) || !TCHAR.test(mt[1]!.trim())) throw new HeaderError(`invalid media-type [${raw}]`);
  const params: Record<string, string> = {};
  for (const el of elements.slice(1)) {
    const p = el.trim();
    if (p === "") continue;
    const kv = p.split("=");
    if (kv.length !== 2 || kv[0] === "" || kv[1] === "" || /\s$/.test(kv[0]!) || /^\s/.test(kv[1]!)) {
      throw new HeaderError(`invalid parameters for header [${raw}]`);
    }
    params[kv[0]!.trim()] = kv[1]!.trim();
  }
  const v = params["compatible-with"];
  if (v !== undefined && !/^\d+$/.test(v)) throw new HeaderError(`invalid parameters for header [${raw}]`);
  return { raw, type: `${mt[0]!.trim()}/${mt[1]!.trim()}`, params };
}

const versionOf = (p: Parsed | null): number | null => (p?.params["compatible-with"] === undefined ? null : Number(p.params["compatible-with"]));

/** `RestCompatibleVersionHelper.getCompatibleVersion`: the error message, or undefined when fine. */
function compatibilityError(accept: Parsed | null, ct: Parsed | null, hasContent: boolean, major: number): string | undefined {
  const aV = versionOf(accept);
  const cV = versionOf(ct);
  const av = aV ?? major;
  const cv = cV ?? major;
  const min = major - 1;
  const show = (p: Parsed | null) => (p === null ? "null" : p.raw);
  if (av > major || av < min) return `Accept version must be either version ${major} or ${min}, but found ${av}. Accept=${show(accept)}`;
  if (!hasContent) return undefined;
  if (cv > major || cv < min) {
    return `Content-Type version must be either version ${major} or ${min}, but found ${cv}. Content-Type=${show(ct)}`;
  }
  const both = "A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version";
  if (cv !== av) return `${both} and the compatible versions must match. Accept=${show(accept)}, Content-Type=${show(ct)}`;
  if ((cV === null) !== (aV === null)) return `${both}. Accept=${show(accept)}, Content-Type=${show(ct)}`;
  return undefined;
}

/** ES's rendering of an exception: `{error:{root_cause,type,reason,...},status}`. */
function esError(status: number, type: string, reason: string, extra: Json = {}): Json {
  return { error: { root_cause: [{ type, reason }], type, reason, ...extra }, status };
}

const globRe = (g: string) => new RegExp(`^${g.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);

/** `filter_path` includes: keeps the matching paths; undefined when nothing is left. */
export function applyFilterPath(value: unknown, filter: string): unknown {
  const patterns = filter.split(",").map((p) => p.trim()).filter(Boolean).map((p) => p.split("."));
  return patterns.length ? filterNode(value, patterns) : value;
}

function filterNode(node: unknown, patterns: string[][]): unknown {
  if (Array.isArray(node)) {
    const kept = node.map((el) => filterNode(el, patterns)).filter((el) => el !== undefined);
    return kept.length ? kept : undefined;
  }
  if (node === null || typeof node !== "object") return undefined;
  const out: Json = {};
  for (const [key, child] of Object.entries(node as Json)) {
    const next: string[][] = [];
    const queue = [...patterns];
    while (queue.length) {
      const p = queue.pop()!;
      if (p[0] === "**") {
        next.push(p); // ** consumes this key and may go on
        if (p.length > 1) queue.push(p.slice(1)); // ** matches nothing
      } else if (p.length && globRe(p[0]!).test(key)) next.push(p.slice(1));
    }
    if (next.some((p) => p.length === 0 || (p.length === 1 && p[0] === "**"))) out[key] = child;
    else if (next.length) {
      const f = filterNode(child, next);
      if (f !== undefined) out[key] = f;
    }
  }
  return Object.keys(out).length ? out : undefined;
}

/** Type names of `mappings` not known to Elasticsearch: `[field, type]` pairs. */
function unknownTypes(mappings: unknown, prefix = ""): [string, string][] {
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
function objectForLeaf(doc: unknown, mappings: Json, prefix = ""): [string, string, unknown] | undefined {
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

/** Java's `Map.toString` preview of a parsed object, as in ES's "Preview of field's value". */
function preview(v: unknown): string {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    return `{${Object.entries(v as Json).map(([k, x]) => `${k}=${preview(x)}`).join(", ")}}`;
  }
  return String(v);
}

let uuidSeq = 0;
const fakeUuid = () => `emu${(++uuidSeq).toString(36).padStart(4, "0")}Xq1TcWmM0gLwBQ`.slice(0, 22);

/**
 * Starts an emulator; `stop()` it in `afterAll`.
 *
 * @example
 * const es = startEsEmulator({ major: 8 });
 * const sink = createElasticsearchSink({ hosts: es.url, ... });
 */
export function startEsEmulator(opts: EsEmulatorOptions): EsEmulator {
  const major = opts.major;
  const version = opts.version ?? (major === 8 ? "8.19.3" : "9.1.5");
  const productHeader = opts.productHeader ?? true;
  const templates = new Map<string, Json>();
  const indices = new Map<string, Index>();
  const requests: EsRequestLog[] = [];
  const clusterUuid = "q3m0oQ5rRwW5Uu2sZ3o8Dg";

  const root = {
    name: "es-emulator-0",
    cluster_name: "es-emulator",
    cluster_uuid: clusterUuid,
    version: {
      number: version,
      build_flavor: "default",
      build_type: "docker",
      build_hash: "0000000000000000000000000000000000000000",
      build_date: major === 8 ? "2025-08-01T00:00:00.000000000Z" : "2025-10-01T00:00:00.000000000Z",
      build_snapshot: false,
      lucene_version: major === 8 ? "9.12.2" : "10.2.2",
      minimum_wire_compatibility_version: major === 8 ? "7.17.0" : "8.19.0",
      minimum_index_compatibility_version: major === 8 ? "7.0.0" : "8.0.0",
    },
    tagline: "You Know, for Search",
  };

  /** The index `name`, auto-created with the mappings of the best matching template. */
  function indexFor(name: string): Index {
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

  function putTemplate(name: string, body: unknown): [number, Json] {
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
      return [400, esError(400, "mapper_parsing_exception", reason, { caused_by: { type: "mapper_parsing_exception", reason: `No handler for type [${type}] declared on field [${field}]` } })];
    }
    templates.set(name, t);
    return [200, { acknowledged: true }];
  }

  function bulk(text: string, defaultIndex: string | undefined): [number, Json, number[]?] {
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
        return [400, esError(400, "illegal_argument_exception", `Malformed action/metadata line [${i + 1}], expected one of [create, delete, index, update] but found [${kind}]`)];
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
        const reason = index !== index.toLowerCase() ? `Invalid index name [${index}], must be lowercase` : `Invalid index name [${index}], must not start with '_', '-', or '+'`;
        item(400, { error: { type: "invalid_index_name_exception", reason, index_uuid: "_na_", index } });
        continue;
      }
      const idx = indexFor(index);
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

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      const method = req.method.toUpperCase();
      const query = Object.fromEntries(url.searchParams);
      const contentTypeRaw = req.headers.get("content-type");
      const acceptRaw = req.headers.get("accept");
      let bytes = new Uint8Array(await req.arrayBuffer());
      if (bytes.length && /gzip/i.test(req.headers.get("content-encoding") ?? "")) bytes = Bun.gunzipSync(bytes);
      const hasContent = bytes.length > 0;
      const log: EsRequestLog = { method, path: url.pathname, query, contentType: contentTypeRaw, accept: acceptRaw, status: 0 };
      requests.push(log);

      let responseType = "application/json";
      const send = (status: number, body: Json | undefined, filter = true) => {
        log.status = status;
        const headers: Record<string, string> = { "content-type": responseType };
        if (productHeader) headers["X-elastic-product"] = "Elasticsearch";
        let out: unknown = body;
        if (filter && status < 300 && body !== undefined && query.filter_path) out = applyFilterPath(body, query.filter_path) ?? {};
        return new Response(method === "HEAD" || out === undefined ? null : JSON.stringify(out), { status, headers });
      };

      // 1. Media types (RestRequest constructor), before any routing.
      let accept: Parsed | null;
      let ct: Parsed | null;
      try {
        accept = parseMediaType(acceptRaw, "Accept");
      } catch (e) {
        return send(400, esError(400, "media_type_header_exception", "Invalid media-type value on headers [Accept]", { caused_by: { type: "illegal_argument_exception", reason: (e as Error).message } }), false);
      }
      try {
        ct = parseMediaType(contentTypeRaw, "Content-Type");
      } catch (e) {
        return send(400, esError(400, "media_type_header_exception", "Invalid media-type value on headers [Content-Type]", { caused_by: { type: "illegal_argument_exception", reason: (e as Error).message } }), false);
      }
      const compat = compatibilityError(accept, ct, hasContent, major);
      if (compat) {
        return send(400, esError(400, "media_type_header_exception", "Invalid media-type value on headers [Accept, Content-Type]", { caused_by: { type: "status_exception", reason: compat } }), false);
      }
      const av = versionOf(accept);
      if (av !== null && accept!.type.startsWith("application/vnd.elasticsearch+")) responseType = `application/vnd.elasticsearch+json;compatible-with=${av}`;

      // 2. Routing.
      const seg = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
      const uri = url.pathname + url.search;
      const route: { allowed: string[]; kind: string } | undefined =
        seg.length === 0
          ? { allowed: ["GET", "HEAD"], kind: "root" }
          : seg[0] === "_index_template" && seg.length === 2
            ? { allowed: ["PUT", "POST", "GET", "HEAD", "DELETE"], kind: "template" }
            : (seg.length === 1 && seg[0] === "_bulk") || (seg.length === 2 && seg[1] === "_bulk" && !seg[0]!.startsWith("_"))
              ? { allowed: ["POST", "PUT"], kind: "bulk" }
              : undefined;
      if (!route) return send(400, { error: `no handler found for uri [${uri}] and method [${method}]` }, false);
      if (!route.allowed.includes(method)) {
        return send(405, { error: `Incorrect HTTP method for uri [${uri}] and method [${method}], allowed: [${route.allowed.join(", ")}]`, status: 405 }, false);
      }

      // 3. Content-Type of a body (RestController.dispatchRequest).
      let text = "";
      if (hasContent) {
        if (contentTypeRaw === null) return send(406, { error: "Content-Type header is missing", status: 406 }, false);
        const known = ct !== null && (JSON_TYPES.has(ct.type) || OTHER_XCONTENT.has(ct.type));
        if (!known || SAFELISTED.has(ct!.type)) return send(406, { error: `Content-Type header [${contentTypeRaw}] is not supported`, status: 406 }, false);
        if (!JSON_TYPES.has(ct!.type)) return send(400, { error: `es-emulator: ${ct!.type} bodies are not emulated`, status: 400 }, false);
        text = new TextDecoder().decode(bytes);
      }

      // 4. Handlers.
      if (route.kind === "root") return send(200, root);
      if (route.kind === "template") {
        const name = seg[1]!;
        if (method === "PUT" || method === "POST") {
          let body: unknown;
          try {
            body = hasContent ? JSON.parse(text) : undefined;
          } catch (e) {
            return send(400, esError(400, "x_content_parse_exception", `[1:1] ${(e as Error).message}`), false);
          }
          if (body === undefined) return send(400, esError(400, "parse_exception", "request body is required"), false);
          const [status, out] = putTemplate(name, body);
          return send(status, out, status < 300);
        }
        const t = templates.get(name);
        if (!t) return send(404, esError(404, "resource_not_found_exception", `index template matching [${name}] not found`), false);
        if (method === "DELETE") {
          templates.delete(name);
          return send(200, { acknowledged: true });
        }
        return send(200, { index_templates: [{ name, index_template: t }] });
      }
      if (!hasContent) return send(400, esError(400, "parse_exception", "request body is required"), false);
      const [status, out, statuses] = bulk(text, seg.length === 2 ? seg[0] : undefined);
      if (statuses) log.itemStatuses = statuses;
      return send(status, out, status < 300);
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    version,
    templates,
    docs: (index) => indices.get(index)?.docs ?? new Map(),
    requests,
    stop: () => server.stop(true),
  };
}
