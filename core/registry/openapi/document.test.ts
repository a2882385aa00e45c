import { expect, test } from "bun:test";
import { testRegistry } from "../testing/fixtures.ts";
import { openApiDocument } from "./document.ts";

const METHODS = ["get", "put", "post", "delete", "patch"];

function appRoutes(): Set<string> {
  const { app } = testRegistry();
  const out = new Set<string>();
  for (const r of app.routes) {
    if (r.method === "ALL") continue;
    out.add(`${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z_]+)/g, "{$1}")}`);
  }
  return out;
}

function documentRoutes(doc: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const m of Object.keys(item)) if (METHODS.includes(m)) out.add(`${m} ${path}`);
  }
  return out;
}

test("every route of the app is in the OpenAPI document, and nothing else", () => {
  const app = [...appRoutes()].sort();
  expect(app.length).toBeGreaterThanOrEqual(15);
  expect([...documentRoutes(openApiDocument)].sort()).toEqual(app);
});

test("GET /openapi.json serves an OpenAPI 3.1 document whose path parameters match the templates and whose $refs resolve", async () => {
  const { req } = testRegistry();
  const res = await req("GET", "/openapi.json", { token: null });
  expect(res.status).toBe(200);
  const doc = (await res.json()) as {
    openapi: string;
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: object }>>;
    components: { schemas: object };
  };
  expect(doc.openapi).toBe("3.1.0");
  for (const [path, item] of Object.entries(doc.paths)) {
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const op of Object.values(item)) {
      expect(
        (op.parameters ?? [])
          .filter((p) => p.in === "path")
          .map((p) => p.name)
          .sort(),
      ).toEqual(templated);
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
    }
  }
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
  for (const r of new Set(refs)) expect(Object.keys(doc.components.schemas)).toContain(r);
});

test("every error status a route can answer is declared (401/403 on protected routes)", () => {
  const paths = openApiDocument.paths as Record<string, Record<string, { responses: Record<string, unknown>; "x-role"?: string }>>;
  const publish = paths["/v1/models/{name}/versions"].post.responses;
  for (const s of ["200", "201", "400", "401", "403", "409", "413", "422"]) expect(Object.keys(publish)).toContain(s);
  expect(Object.keys(paths["/v1/models/{name}/channels/{channel}/resolve"].get.responses)).toEqual(expect.arrayContaining(["200", "304", "400", "401", "404"]));
  for (const item of Object.values(paths))
    for (const op of Object.values(item)) if (op["x-role"] === "publisher") expect(Object.keys(op.responses)).toContain("403");
});

test("the hardened heartbeat and fleet routes declare what they answer: 409/413/422/429, limit and cursor", () => {
  const paths = openApiDocument.paths as Record<string, Record<string, { responses: Record<string, unknown>; parameters?: { name: string }[] }>>;
  expect(Object.keys(paths["/v1/heartbeat"].post.responses)).toEqual(expect.arrayContaining(["200", "400", "409", "413", "422", "429"]));
  expect(paths["/v1/fleet"].get.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(["limit", "cursor"]));
  const view = (openApiDocument.components as { schemas: Record<string, { properties: Record<string, unknown> }> }).schemas.FleetView;
  expect(Object.keys(view.properties)).toEqual(expect.arrayContaining(["next_cursor", "limit", "omitted", "refused"]));
});
