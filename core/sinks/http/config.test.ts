import { expect, test } from "bun:test";
import { HTTP_CONFIG_DEFAULTS, HttpSinkSchema, toHttpSinkConfig } from "./config.ts";
import { HTTP_SINK_DEFAULTS } from "./sink.ts";

const parse = (entry: object) => toHttpSinkConfig(HttpSinkSchema.parse({ type: "http", id: "hook", url: "https://c.example/in", ...entry }));

test("defaults: no extra headers, no gzip, the sink's 10 s timeout", () => {
  expect(parse({})).toEqual({
    type: "http",
    id: "hook",
    only: "all",
    batch: { maxRecords: 500, maxBytes: 1_000_000, maxWaitMs: 1000 },
    url: "https://c.example/in",
    headers: {},
    gzip: false,
    timeoutMs: HTTP_SINK_DEFAULTS.timeoutMs,
  });
  expect(HTTP_CONFIG_DEFAULTS.timeout).toBe("10s");
});

test("headers, gzip, timeout as written", () => {
  expect(parse({ headers: { Authorization: "Bearer t" }, gzip: true, timeout: "1m30s" })).toMatchObject({
    headers: { Authorization: "Bearer t" },
    gzip: true,
    timeoutMs: 90_000,
  });
  expect(parse({ timeout: 2.5 }).timeoutMs).toBe(2500);
});

test("refused: no url, a non-http url, a non-boolean gzip, a zero timeout, header values that are not strings", () => {
  expect(HttpSinkSchema.safeParse({ type: "http", id: "hook" }).error!.issues.map((i) => i.path.join("."))).toEqual(["url"]);
  const r = HttpSinkSchema.safeParse({ type: "http", id: "hook", url: "ftp://x", gzip: "yes", timeout: "0s", headers: { A: 1 } });
  expect(r.error!.issues.map((i) => i.path.join("."))).toEqual(["url", "headers.A", "gzip", "timeout"]);
  expect(r.error!.issues[0].message).toBe('expected an http:// or https:// URL, found "ftp://x"');
});
