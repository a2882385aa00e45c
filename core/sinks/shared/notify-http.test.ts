import { afterAll, expect, test } from "bun:test";
import { deadPort } from "../testing/records.ts";
import { classifyNotifyStatus, displayUrl, postNotification } from "./notify-http.ts";

test("verdicts: 2xx delivered; 502/503/504 unavailable; 408, 429, 5xx retried; every other 4xx and 3xx halts", () => {
  const v = (s: number) => classifyNotifyStatus(s);
  expect([200, 202, 204].map(v)).toEqual(["delivered", "delivered", "delivered"]);
  expect([502, 503, 504].map(v)).toEqual(["unavailable", "unavailable", "unavailable"]);
  expect([408, 429, 500, 507].map(v)).toEqual(["retry", "retry", "retry", "retry"]);
  expect([301, 400, 401, 403, 404, 410, 413, 422].map(v)).toEqual(Array(8).fill("halt"));
});

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: (req) => {
    const p = new URL(req.url).pathname;
    if (p === "/redirect") return new Response(null, { status: 307, headers: { location: "/elsewhere" } });
    if (p === "/control") return new Response("bad\u0000\u001b[31m\nthing", { status: 400 });
    if (p === "/slow") return new Promise<Response>(() => {});
    return new Response("nope", { status: 403 });
  },
});
afterAll(() => server.stop(true));
const base = `http://u:secret@127.0.0.1:${server.port}`;
const post = (path: string, timeoutMs = 2000) => postNotification({ url: `${base}${path}`, body: "[]", headers: new Headers(), timeoutMs, maxReasonBytes: 64 });

test("halts quote the answer without credentials or control characters; redirects are not followed; timeouts and refused connections are unavailable", async () => {
  const r403 = await post("/x");
  expect(r403).toEqual({ verdict: "halt", errorType: "http_403", reason: `http://127.0.0.1:${server.port}/x answered HTTP 403: nope: credentials refused` });
  expect((await post("/redirect")).reason).toContain("HTTP 307: a redirect; set url to the final address");
  expect((await post("/control")).reason).toContain("answered HTTP 400: bad [31m thing: the request was refused");
  expect(await post("/slow", 200)).toMatchObject({ verdict: "unavailable", errorType: "timeout" });
  const port = await deadPort();
  expect(await postNotification({ url: `http://127.0.0.1:${port}/`, body: "[]", headers: new Headers(), timeoutMs: 1000, maxReasonBytes: 64 })).toMatchObject({
    verdict: "unavailable",
    errorType: "connection_error",
  });
  expect(displayUrl("https://u:p@h.example/a")).toBe("https://h.example/a");
});
