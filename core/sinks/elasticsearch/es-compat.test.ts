/**
 * Elasticsearch 8.x / 9.x wire compatibility of the sink, against the in-process emulator of
 * `testing/es-emulator/` (real Elasticsearch cannot run here). The emulator enforces what real
 * ES does on the wire: the `X-elastic-product` header, the media-type rules of
 * `RestCompatibleVersionHelper` (ES 8 takes compatible-with=7|8, ES 9 takes 8|9, both take plain
 * `application/json` / `application/x-ndjson`), the 406 for unsupported body types, and the shapes
 * of `GET /`, `PUT _index_template` and `_bulk` (201 / 409 `version_conflict_engine_exception`).
 * Sources are listed in the emulator's module comment.
 *
 * The negative controls prove the emulator is strict enough to catch a regression of
 * `LenientTransport`: a stock 9.x client (compatible-with=9) is refused by the ES 8 emulation with
 * ES's own 400 `media_type_header_exception`, and the `"elasticsearch"` flavor fails its product
 * check against a server without the product header.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, HttpConnection, errors } from "@elastic/elasticsearch";
import { makeBatch, makePoint } from "../testing/records.ts";
import { createSearchClient, detectSearchFlavor } from "./client.ts";
import { createElasticsearchSink, type ElasticsearchSinkOptions } from "./sink.ts";
import { startEsEmulator, type EsEmulator } from "./testing/es-emulator/index.ts";

/** What ES 8 answers a 9.x client (seen in user reports of the 9.x clients against 8.x servers). */
const ES8_REFUSES_V9 = "Accept version must be either version 8 or 7, but found 9. Accept=application/vnd.elasticsearch+json; compatible-with=9";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "es-compat-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A raw request: status, body, headers. */
async function raw(es: EsEmulator, method: string, path: string, headers: Record<string, string>, body?: string) {
  const res = await fetch(es.url + path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as any) : undefined };
}

const vnd = (v: number, sub = "json") => `application/vnd.elasticsearch+${sub}; compatible-with=${v}`;
const TEMPLATE = JSON.stringify({ index_patterns: ["raw-*"], template: { mappings: { properties: { v: { type: "long" } } } } });

for (const major of [8, 9] as const) {
  describe(`Elasticsearch ${major}.x emulation`, () => {
    let es: EsEmulator;
    let bare: EsEmulator; // the same server without the product header
    const sinks: { stop(): Promise<void> }[] = [];

    beforeAll(() => {
      es = startEsEmulator({ major });
      bare = startEsEmulator({ major, productHeader: false });
    });
    afterAll(async () => {
      await Promise.all(sinks.map((s) => s.stop()));
      es.stop();
      bare.stop();
    });

    function sinkFor(over: Partial<ElasticsearchSinkOptions> & { index: string }) {
      const sink = createElasticsearchSink({
        id: `es${major}`,
        hosts: es.url,
        anomaliesIndex: `${over.index}-anomalies`,
        deadLetterPath: join(dir, `dead-${major}-${over.index}.jsonl`),
        ...over,
      });
      sinks.push(sink);
      return sink;
    }

    describe("the emulator is strict (raw HTTP)", () => {
      test("GET /: the ES root document, X-elastic-product on every answer, errors included", async () => {
        const r = await raw(es, "GET", "/", { accept: "application/json" });
        expect(r.status).toBe(200);
        expect(r.headers.get("x-elastic-product")).toBe("Elasticsearch");
        expect(r.body.tagline).toBe("You Know, for Search");
        expect(r.body.version.build_flavor).toBe("default");
        expect(r.body.version.number).toStartWith(`${major}.`);
        expect(r.body.version.distribution).toBeUndefined();
        const bad = await raw(es, "GET", "/", { accept: vnd(major + 1) });
        expect(bad.status).toBe(400);
        expect(bad.headers.get("x-elastic-product")).toBe("Elasticsearch");
        expect((await raw(bare, "GET", "/", {})).headers.get("x-elastic-product")).toBeNull();
      });

      test(`media types: plain and compatible-with=${major - 1}|${major} accepted, others refused with ES's messages`, async () => {
        const put = (h: Record<string, string>, body = TEMPLATE) => raw(es, "PUT", "/_index_template/raw", h, body);
        for (const v of [major - 1, major]) {
          const ok = await put({ "content-type": vnd(v), accept: vnd(v) });
          expect(ok.status).toBe(200);
          expect(ok.body).toEqual({ acknowledged: true });
          expect(ok.headers.get("content-type")).toBe(`application/vnd.elasticsearch+json;compatible-with=${v}`);
        }
        const plain = await put({ "content-type": "application/json", accept: "application/json" });
        expect([plain.status, plain.headers.get("content-type")]).toEqual([200, "application/json"]);

        const tooNew = await put({ "content-type": vnd(major + 1), accept: vnd(major + 1) });
        expect(tooNew.status).toBe(400);
        expect(tooNew.body.error.type).toBe("media_type_header_exception");
        expect(tooNew.body.error.reason).toBe("Invalid media-type value on headers [Accept, Content-Type]");
        expect(tooNew.body.error.caused_by).toEqual({
          type: "status_exception",
          reason: `Accept version must be either version ${major} or ${major - 1}, but found ${major + 1}. Accept=${vnd(major + 1)}`,
        });
        const tooOld = await put({ "content-type": vnd(major - 2), accept: vnd(major - 2) });
        expect(tooOld.body.error.caused_by.reason).toStartWith(`Accept version must be either version ${major} or ${major - 1}, but found ${major - 2}.`);
        // Content-Type is checked on requests with a body, against Accept as well.
        const ctOnly = await put({ "content-type": vnd(major + 1), accept: "application/json" });
        expect(ctOnly.body.error.caused_by.reason).toBe(
          `Content-Type version must be either version ${major} or ${major - 1}, but found ${major + 1}. Content-Type=${vnd(major + 1)}`,
        );
        const half = await put({ "content-type": vnd(major), accept: "application/json" });
        expect(half.status).toBe(400);
        expect(half.body.error.caused_by.reason).toStartWith("A compatible version is required on both Content-Type and Accept headers");
        const mismatch = await put({ "content-type": vnd(major - 1), accept: vnd(major) });
        expect(mismatch.body.error.caused_by.reason).toContain("the compatible versions must match");
        // An Accept with a ',' is a media range: ES ignores it (so does the emulator).
        expect((await raw(es, "GET", "/", { accept: `${vnd(major + 1)},text/plain` })).status).toBe(200);
        // Bodies of a type ES does not take: 406.
        const text = await put({ "content-type": "text/plain", accept: "application/json" });
        expect(text).toMatchObject({ status: 406, body: { error: "Content-Type header [text/plain] is not supported", status: 406 } });
        const none = await raw(es, "PUT", "/_index_template/raw", {}, TEMPLATE);
        expect(none.status).toBe(406);
      });

      test("templates: OpenSearch-only field types and unknown fields are refused", async () => {
        const h = { "content-type": "application/json", accept: "application/json" };
        const flat = JSON.stringify({ index_patterns: ["x"], template: { mappings: { properties: { labels: { type: "flat_object" } } } } });
        const r = await raw(es, "PUT", "/_index_template/flat", h, flat);
        expect(r.status).toBe(400);
        expect(r.body.error.type).toBe("mapper_parsing_exception");
        expect(r.body.error.reason).toContain("No handler for type [flat_object] declared on field [labels]");
        const unknown = await raw(es, "PUT", "/_index_template/u", h, JSON.stringify({ index_patterns: ["x"], mapping: {} }));
        expect(unknown.body.error.reason).toContain("unknown field [mapping]");
      });

      test("_bulk: 201 then 409 version_conflict_engine_exception per _id, the ES response shape, filter_path", async () => {
        const h = { "content-type": "application/x-ndjson", accept: "application/json" };
        const body = `{"create":{"_index":"raw-1","_id":"a"}}\n{"v":1}\n{"create":{"_index":"raw-1","_id":"b"}}\n{"v":2}\n`;
        const first = await raw(es, "POST", "/_bulk", h, body);
        expect(first.status).toBe(200);
        expect(first.body.took).toBeNumber();
        expect(first.body.errors).toBe(false);
        expect(first.body.items[0]).toEqual({
          create: {
            _index: "raw-1",
            _id: "a",
            _version: 1,
            result: "created",
            _shards: { total: 2, successful: 1, failed: 0 },
            _seq_no: 0,
            _primary_term: 1,
            status: 201,
          },
        });
        const again = await raw(es, "POST", "/_bulk", h, body);
        expect(again.body.errors).toBe(true);
        expect(again.body.items[1].create).toMatchObject({
          _index: "raw-1",
          _id: "b",
          status: 409,
          error: {
            type: "version_conflict_engine_exception",
            reason: "[b]: version conflict, document already exists (current version [1])",
            index: "raw-1",
            shard: "0",
          },
        });
        const filtered = await raw(
          es,
          "POST",
          "/_bulk?filter_path=items.*.error",
          h,
          `{"create":{"_index":"raw-1","_id":"a"}}\n{"v":1}\n{"create":{"_index":"raw-1","_id":"c"}}\n{"v":3}\n`,
        );
        expect(filtered.body).toEqual({ items: [{ create: { error: expect.objectContaining({ type: "version_conflict_engine_exception" }) } }] });
        const unterminated = await raw(es, "POST", "/_bulk", h, body.trimEnd());
        expect(unterminated.status).toBe(400);
        expect(unterminated.body.error.reason).toBe("The bulk request must be terminated by a newline [\\n]");
        expect([...es.docs("raw-1").keys()].sort()).toEqual(["a", "b", "c"]);
      });
    });

    for (const flavor of ["auto", "elasticsearch"] as const) {
      test(`sink (flavor ${flavor}): template, points + anomalies, the same batch twice, probe; plain media types only`, async () => {
        const index = `pts-${flavor}`;
        const from = es.requests.length;
        const sink = sinkFor({ index, ...(flavor === "auto" ? {} : { flavor }) });
        await sink.start();
        expect(es.templates.get(`${index}-template`)?.index_patterns).toEqual([index, `${index}-anomalies`]);

        const batch = makeBatch("agent-es", 20); // 18 points, 2 anomalies
        expect(await sink.send(batch)).toEqual({ delivered: 20, retry: [], dead: [], errors: {} });
        expect(es.docs(index).size).toBe(18);
        expect(es.docs(`${index}-anomalies`).size).toBe(2);
        expect(es.docs(`${index}-anomalies`).get("agent-es:9")).toEqual(batch[9]!.doc);

        // Exactly once by _id: the server answers 409 per item, the sink counts them delivered.
        expect(await sink.send(batch)).toEqual({ delivered: 20, retry: [], dead: [], errors: {} });
        const bulks = es.requests.slice(from).filter((r) => r.path === "/_bulk");
        expect(bulks.map((r) => r.itemStatuses)).toEqual([Array(20).fill(201), Array(20).fill(409)]);
        expect(bulks[0]!.query.filter_path).toContain("items.*.status");
        expect(es.docs(index).size).toBe(18);

        expect(await sink.probe()).toBeUndefined();

        const seen = es.requests.slice(from);
        expect(seen.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
          `PUT /_index_template/${index}-template 200`,
          "POST /_bulk 200",
          "POST /_bulk 200",
          "GET / 200",
        ]);
        for (const r of seen) {
          expect(r.contentType).not.toContain("compatible-with");
          expect(r.accept ?? "").not.toContain("compatible-with");
        }
        expect(seen[0]!.contentType).toBe("application/json");
        expect(seen[1]!.contentType).toBe("application/x-ndjson");
      });
    }

    test("a 400 document_parsing_exception item → dead; the rest of the batch delivered", async () => {
      const sink = sinkFor({ index: "pts-bad" });
      await sink.start();
      const bad = makePoint("agent-bad", 1, { value: { nested: 1 } as unknown as number });
      const r = await sink.send([makePoint("agent-bad", 0), bad, makePoint("agent-bad", 2)]);
      expect(r.delivered).toBe(2);
      expect(r.dead.map((d) => d.record)).toEqual([bad]);
      expect(r.dead[0]!.reason).toContain("HTTP 400 document_parsing_exception: failed to parse field [value] of type [double]");
      expect(r.errors).toEqual({ mapping_error: 1 });
    });

    test(`detectSearchFlavor → elasticsearch ${major}`, async () => {
      for (const flavor of ["auto", "elasticsearch"] as const) {
        const client = createSearchClient({ node: es.url, flavor, maxRetries: 0 });
        try {
          expect(await detectSearchFlavor(client)).toEqual({ flavor: "elasticsearch", version: es.version, major });
        } finally {
          await client.close();
        }
      }
    });

    // A "stock" client: all defaults but the Connection (the default UndiciConnection does not
    // work under Bun, see client.ts); the media types and the product check are the stock ones.
    const stockClient = () => new Client({ node: es.url, maxRetries: 0, Connection: HttpConnection });
    const ops = [{ create: { _index: "stock", _id: "s-1" } }, { v: 1 }];

    if (major === 8) {
      test("negative control: a stock 9.x client (compatible-with=9) is refused by ES 8 with a 400 media_type_header_exception", async () => {
        const stock = stockClient();
        try {
          const err = (await stock.bulk({ operations: ops }).catch((e: unknown) => e)) as errors.ResponseError;
          expect(err).toBeInstanceOf(errors.ResponseError);
          expect(err.meta.statusCode).toBe(400);
          expect((err.meta.body as any).error).toMatchObject({
            type: "media_type_header_exception",
            reason: "Invalid media-type value on headers [Accept, Content-Type]",
            caused_by: { type: "status_exception", reason: ES8_REFUSES_V9 },
          });
          const tpl = (await stock.indices.putIndexTemplate({ name: "stock", index_patterns: ["stock"] }).catch((e: unknown) => e)) as errors.ResponseError;
          expect(tpl.meta.statusCode).toBe(400);
          expect((tpl.meta.body as any).error.caused_by.reason).toBe(ES8_REFUSES_V9);
          // GET / alone would NOT catch it: its Accept ("…compatible-with=9,text/plain") is a media
          // range, which ES ignores, and a body-less request's Content-Type is not checked.
          expect((await stock.info()).version.number).toBe(es.version);
        } finally {
          await stock.close();
        }
        expect(es.docs("stock").size).toBe(0);
      });

      test("negative control: the sink on a stock 9.x client delivers nothing to ES 8 (what a LenientTransport regression would look like)", async () => {
        const stock = stockClient();
        try {
          const batch = makeBatch("agent-stock", 3);
          const withTemplate = await sinkFor({ index: "pts-stock", client: stock }).send(batch);
          expect(withTemplate).toEqual({ delivered: 0, retry: batch, dead: [], errors: { template_http_400: 1 } });
          const noTemplate = await sinkFor({ index: "pts-stock", client: stock, installTemplate: false }).send(batch);
          expect(noTemplate).toEqual({ delivered: 0, retry: batch, dead: [], errors: { http_400: 1 } });
        } finally {
          await stock.close();
        }
        expect(es.docs("pts-stock").size).toBe(0);
      });
    } else {
      test("control: ES 9 accepts the stock 9.x client's compatible-with=9", async () => {
        const stock = stockClient();
        try {
          const res = await stock.bulk({ operations: ops });
          expect(res.items[0]!.create!.status).toBe(201);
        } finally {
          await stock.close();
        }
      });
    }

    test("without the product header: flavor 'elasticsearch' fails the product check; 'auto' still delivers", async () => {
      const strict = createSearchClient({ node: bare.url, flavor: "elasticsearch", maxRetries: 0 });
      try {
        await expect(strict.info()).rejects.toBeInstanceOf(errors.ProductNotSupportedError);
      } finally {
        await strict.close();
      }
      const batch = makeBatch("agent-bare", 3);
      const sink = createElasticsearchSink({
        id: "bare",
        hosts: bare.url,
        flavor: "elasticsearch",
        index: "pts-bare",
        anomaliesIndex: "pts-bare",
        deadLetterPath: join(dir, `dead-bare-${major}.jsonl`),
      });
      sinks.push(sink);
      await sink.start();
      // Not Elasticsearch while the config says it must be: the sink halts (keeping the records), like on 401/403.
      const r = await sink.send(batch);
      expect(r).toMatchObject({ delivered: 0, retry: batch, dead: [], errors: { template_product_not_supported: 1 } });
      expect(r.halt).toContain("the server is not Elasticsearch");
      expect(await sink.probe()).toContain("the server is not Elasticsearch");

      const lenient = createElasticsearchSink({
        id: "bare-auto",
        hosts: bare.url,
        index: "pts-bare-auto",
        anomaliesIndex: "pts-bare-auto",
        deadLetterPath: join(dir, `dead-bare-auto-${major}.jsonl`),
      });
      sinks.push(lenient);
      expect((await lenient.send(batch)).delivered).toBe(3);
    });
  });
}
