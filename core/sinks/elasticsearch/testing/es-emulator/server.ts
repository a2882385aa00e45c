/**
 * The emulator's HTTP server (Bun.serve on a free port) and router: media types are checked before
 * routing (`RestRequest`), then the route and method, then the Content-Type of a body
 * (`RestController.dispatchRequest`), then the handler. Every answer carries the product header
 * unless switched off; `filter_path` applies to 2xx answers only.
 * @module
 */
import { esError } from "./common.ts";
import { bulk } from "./bulk.ts";
import { applyFilterPath } from "./filter-path.ts";
import { JSON_TYPES, OTHER_XCONTENT, SAFELISTED, compatibilityError, parseMediaType, versionOf, type Parsed } from "./media-types.ts";
import { putTemplate } from "./templates.ts";
import type { EsEmulator, EsEmulatorOptions, EsRequestLog, EsState, Index, Json } from "./types.ts";

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
  const state: EsState = { templates, indices };

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
        return send(
          400,
          esError(400, "media_type_header_exception", "Invalid media-type value on headers [Accept]", {
            caused_by: { type: "illegal_argument_exception", reason: (e as Error).message },
          }),
          false,
        );
      }
      try {
        ct = parseMediaType(contentTypeRaw, "Content-Type");
      } catch (e) {
        return send(
          400,
          esError(400, "media_type_header_exception", "Invalid media-type value on headers [Content-Type]", {
            caused_by: { type: "illegal_argument_exception", reason: (e as Error).message },
          }),
          false,
        );
      }
      const compat = compatibilityError(accept, ct, hasContent, major);
      if (compat) {
        return send(
          400,
          esError(400, "media_type_header_exception", "Invalid media-type value on headers [Accept, Content-Type]", {
            caused_by: { type: "status_exception", reason: compat },
          }),
          false,
        );
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
        return send(
          405,
          { error: `Incorrect HTTP method for uri [${uri}] and method [${method}], allowed: [${route.allowed.join(", ")}]`, status: 405 },
          false,
        );
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
          const [status, out] = putTemplate(state, name, body);
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
      const [status, out, statuses] = bulk(state, text, seg.length === 2 ? seg[0] : undefined);
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
