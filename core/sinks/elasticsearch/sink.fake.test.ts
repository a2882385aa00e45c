/** Elasticsearch sink classification against a tiny local fake server (Bun.serve, port 0). */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OutRecord } from "../../events.ts";
import { deadPort, makeBatch } from "../testing/records.ts";
import { createElasticsearchSink } from "./sink.ts";

type Doc = OutRecord["doc"];
/** Answers one bulk request given its documents: a Response, or per-item statuses (200 body). */
type BulkScript = (docs: { action: { create: { _index: string; _id: string } }; doc: Doc }[]) => Response | Promise<Response> | (number | undefined)[];

let script: BulkScript = (docs) => docs.map(() => 201);
let templateStatus = 200;
let rootStatus = 200;
const bulkSizes: number[] = [];
const templates: { path: string; body: any }[] = [];
let server: ReturnType<typeof Bun.serve>;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "es-fake-"));
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      const json = (body: unknown, status = 200) => Response.json(body, { status });
      if (req.method === "GET" && url.pathname === "/") {
        return json(
          rootStatus === 200 ? { version: { number: "2.19.6", distribution: "opensearch" } } : { error: { type: "security_exception", reason: "no" } },
          rootStatus,
        );
      }
      if (req.method === "PUT" && url.pathname.startsWith("/_index_template/")) {
        templates.push({ path: url.pathname, body: await req.json() });
        return json(
          templateStatus === 200
            ? { acknowledged: true }
            : { error: { type: "security_exception", reason: "action [indices:admin/index_template/put] is unauthorized" } },
          templateStatus,
        );
      }
      if (req.method === "POST" && url.pathname === "/_bulk") {
        const lines = (await req.text())
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l));
        const docs = [];
        for (let i = 0; i < lines.length; i += 2) docs.push({ action: lines[i], doc: lines[i + 1] });
        bulkSizes.push(docs.length);
        const out = await script(docs);
        if (out instanceof Response) return out;
        const items = out.map((status) =>
          status === undefined
            ? {}
            : {
                create: {
                  status,
                  ...(status >= 300 ? { error: { type: status === 400 ? "mapper_parsing_exception" : "x_exception", reason: `status ${status}` } } : {}),
                },
              },
        );
        return json({ took: 1, errors: out.some((s) => s === undefined || s >= 300), items });
      }
      return json({ error: "not found" }, 404);
    },
  });
});

afterEach(() => {
  script = (docs) => docs.map(() => 201);
  templateStatus = 200;
  rootStatus = 200;
  bulkSizes.length = 0;
  templates.length = 0;
});

afterAll(async () => {
  server.stop(true);
  await rm(dir, { recursive: true, force: true });
});

const deadPath = () => join(dir, `dead-${Math.random().toString(36).slice(2)}`, "es.jsonl");
const sinkFor = (over: Partial<Parameters<typeof createElasticsearchSink>[0]> = {}) =>
  createElasticsearchSink({
    id: "es-fake",
    hosts: `http://127.0.0.1:${server.port}`,
    index: "pts",
    anomaliesIndex: "anom",
    deadLetterPath: deadPath(),
    ...over,
  });
const errorBody = (status: number, type: string) => Response.json({ error: { type, reason: type }, status }, { status });

describe("createElasticsearchSink classification (fake server)", () => {
  test("template PUT before the first bulk; create actions with _id = agent.id:seq, routed by kind", async () => {
    const seen: string[] = [];
    script = (docs) => docs.map((d) => (seen.push(`${d.action.create._index}/${d.action.create._id}`), 201));
    const sink = sinkFor();
    await sink.start();
    expect(templates.map((t) => t.path)).toEqual(["/_index_template/pts-template"]);
    expect(templates[0]!.body.index_patterns).toEqual(["pts", "anom"]);
    expect(await sink.send(makeBatch("ag", 10))).toEqual({ delivered: 10, retry: [], dead: [], errors: {} });
    expect(seen[0]).toBe("pts/ag:0");
    expect(seen[9]).toBe("anom/ag:9");
    await sink.stop();
  });

  test("a record's cached `json` is sent as its document", async () => {
    const got: Doc[] = [];
    script = (docs) => docs.map((d) => (got.push(d.doc), 201));
    const [r] = makeBatch("ag", 1);
    r!.json = JSON.stringify({ ...r!.doc, cached: true });
    expect((await sinkFor({ installTemplate: false }).send([r!])).delivered).toBe(1);
    expect(got).toEqual([{ ...r!.doc, cached: true } as unknown as Doc]);
  });

  test("mixed per-item statuses in one 200 response", async () => {
    const statuses = [201, 200, 409, 429, 500, 503, 400, 404, undefined, 201];
    script = () => statuses;
    const dead = deadPath();
    const sink = sinkFor({ deadLetterPath: dead });
    const batch = makeBatch("ag", 10);
    const r = await sink.send(batch);
    expect(r.delivered).toBe(4);
    expect(r.retry).toEqual([batch[3], batch[4], batch[5], batch[7], batch[8]]);
    expect(r.dead.map((d) => d.record)).toEqual([batch[6]]);
    expect(r.halt).toBeUndefined();
    expect(r.errors).toEqual({ http_429: 1, http_500: 1, http_503: 1, mapping_error: 1, http_404: 1, bad_response: 1 });
    const line = JSON.parse((await readFile(dead, "utf8")).trim());
    expect(line).toMatchObject({ status: 400, record: batch[6], reason: "HTTP 400 mapper_parsing_exception: status 400" });
  });

  test("item 401/403 → halt, records kept in retry", async () => {
    script = (docs) => docs.map((_, i) => (i === 1 ? 403 : 201));
    const batch = makeBatch("ag", 3);
    const r = await sinkFor().send(batch);
    expect(r.delivered).toBe(2);
    expect(r.retry).toEqual([batch[1]]);
    expect(r.halt).toContain("HTTP 403");
  });

  test("whole-request 429 and 500 → retry everything", async () => {
    const batch = makeBatch("ag", 5);
    for (const status of [429, 500]) {
      script = () => errorBody(status, status === 429 ? "es_rejected_execution_exception" : "internal");
      expect(await sinkFor().send(batch)).toEqual({ delivered: 0, retry: batch, dead: [], errors: { [`http_${status}`]: 1 } });
    }
  });

  test("503 (a node still starting), whole request or per item → retry, marked unavailable", async () => {
    const batch = makeBatch("ag", 3);
    script = () => errorBody(503, "cluster_block_exception");
    expect(await sinkFor().send(batch)).toEqual({ delivered: 0, retry: batch, dead: [], errors: { http_503: 1 }, unavailable: true });
    script = (docs) => docs.map((_, i) => (i === 0 ? 201 : 503));
    const r = await sinkFor().send(batch);
    expect(r).toMatchObject({ delivered: 1, errors: { http_503: 2 }, unavailable: true });
    expect(r.retry).toEqual(batch.slice(1));
  });

  test("whole-request 401 → halt with the reason, everything kept in retry", async () => {
    script = () => errorBody(401, "security_exception");
    const batch = makeBatch("ag", 5);
    const r = await sinkFor().send(batch);
    expect(r.retry).toEqual(batch);
    expect(r.delivered).toBe(0);
    expect(r.halt).toContain("security_exception");
    expect(r.errors).toEqual({ http_401: 1 });
  });

  test("whole-request 413 → halves until they fit; one record still too large → dead", async () => {
    script = (docs) => (docs.length > 3 || docs.some((d) => d.doc.agent.seq === 6) ? new Response("", { status: 413 }) : docs.map(() => 201));
    const dead = deadPath();
    const batch = makeBatch("ag", 10);
    const r = await sinkFor({ deadLetterPath: dead }).send(batch);
    expect(r.delivered).toBe(9);
    expect(r.retry).toEqual([]);
    expect(r.dead.map((d) => d.record)).toEqual([batch[6]]);
    expect(bulkSizes).toEqual([10, 5, 3, 2, 5, 3, 2, 1, 1, 1, 2]);
    expect(JSON.parse((await readFile(dead, "utf8")).trim()).status).toBe(413);
  });

  test("a failure after a split retries the rest without sending it", async () => {
    script = (docs) => (docs.length > 2 ? new Response("", { status: 413 }) : errorBody(503, "unavailable"));
    const batch = makeBatch("ag", 4);
    const r = await sinkFor().send(batch);
    expect(bulkSizes).toEqual([4, 2]);
    expect(r.retry).toEqual(batch);
    expect(r.errors).toEqual({ http_413: 1, http_503: 1 });
  });

  test("template install refused (403) → halt before any bulk; other failures retried before the next send", async () => {
    templateStatus = 403;
    const sink = sinkFor();
    await sink.start();
    const batch = makeBatch("ag", 2);
    const r = await sink.send(batch);
    expect(r.halt).toContain("installing index template");
    expect(r.retry).toEqual(batch);
    expect(bulkSizes).toEqual([]);
    templateStatus = 200;
    expect((await sink.send(batch)).delivered).toBe(2);
    expect(templates).toHaveLength(3); // start, failed send, successful send
    expect((await sink.send(batch)).delivered).toBe(2);
    expect(templates).toHaveLength(3);
  });

  test("installTemplate: false never touches templates", async () => {
    const sink = sinkFor({ installTemplate: false });
    await sink.start();
    expect((await sink.send(makeBatch("ag", 2))).delivered).toBe(2);
    expect(templates).toEqual([]);
  });

  test("timeout → retry everything as `timeout`", async () => {
    const never = Promise.withResolvers<Response>(); // the server answers only after the test
    script = () => never.promise;
    const batch = makeBatch("ag", 2);
    expect(await sinkFor({ requestTimeoutMs: 100 }).send(batch)).toEqual({ delivered: 0, retry: batch, dead: [], errors: { timeout: 1 }, unavailable: true });
    never.resolve(Response.json({ items: [] }));
  });

  test("dead-letter file not writable → the dead records go back to retry", async () => {
    script = (docs) => docs.map(() => 400);
    const batch = makeBatch("ag", 2);
    const r = await sinkFor({ deadLetterPath: "/proc/self/cannot/dead.jsonl" }).send(batch);
    expect(r.dead).toEqual([]);
    expect(r.retry).toEqual(batch);
    expect(r.errors).toEqual({ mapping_error: 2, dead_letter_io_error: 1 });
  });

  test("probe: reachable → undefined, 403 on GET / → reachable, 401 → the reason", async () => {
    const sink = sinkFor();
    expect(await sink.probe()).toBeUndefined();
    rootStatus = 403;
    expect(await sink.probe()).toBeUndefined();
    rootStatus = 401;
    expect(await sink.probe()).toContain("http_401");
  });

  test("network error → retry everything; delivers again once the node is back", async () => {
    const port = await deadPort();
    const sink = sinkFor({ hosts: `http://127.0.0.1:${port}`, installTemplate: false });
    const batch = makeBatch("ag", 3);
    expect(await sink.send(batch)).toEqual({ delivered: 0, retry: batch, dead: [], errors: { connection_error: 1 }, unavailable: true });
    const back = Bun.serve({
      port,
      hostname: "127.0.0.1",
      fetch: async (req) =>
        Response.json({
          errors: false,
          items: (await req.text())
            .split("\n")
            .filter(Boolean)
            .filter((_, i) => i % 2 === 0)
            .map(() => ({ create: { status: 201 } })),
        }),
    });
    try {
      expect(await sink.send(batch)).toEqual({ delivered: 3, retry: [], dead: [], errors: {} });
    } finally {
      back.stop(true);
      await sink.stop();
    }
  });
});
