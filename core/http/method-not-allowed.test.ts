/** Which methods a Hono app routes a path by (the 405 handler's Allow header). */
import { expect, test } from "bun:test";
import { Hono } from "hono";
import { allowedMethods } from "./method-not-allowed.ts";

test("route patterns: params, regex params, wildcards; middleware (ALL) never counts", () => {
  const app = new Hono();
  app.use("*", async (_c, next) => next());
  app.get("/a/:id{[0-9]+}", (c) => c.text("a"));
  app.delete("/a/:id", (c) => c.text("a"));
  app.post("/files/*", (c) => c.text("f"));
  expect(allowedMethods(app, "/a/12")).toEqual(["DELETE", "GET", "HEAD"]);
  expect(allowedMethods(app, "/a/x")).toEqual(["DELETE"]);
  expect(allowedMethods(app, "/files/x/y")).toEqual(["POST"]);
  expect(allowedMethods(app, "/b")).toEqual([]);
  expect(allowedMethods(app, "/a/1/2")).toEqual([]);
});
