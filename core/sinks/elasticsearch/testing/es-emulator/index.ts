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
export type { EsEmulator, EsEmulatorOptions, EsRequestLog } from "./types.ts";
export { startEsEmulator } from "./server.ts";
export { applyFilterPath } from "./filter-path.ts";
