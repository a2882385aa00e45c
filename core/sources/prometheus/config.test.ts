import { expect, test } from "bun:test";
import { PrometheusSourceSchema, toPrometheusSourceConfig } from "./config.ts";
import { PROMETHEUS_MAX_DEFAULT_TIMEOUT_MS } from "./index.ts";

const parse = (entry: object) =>
  toPrometheusSourceConfig(PrometheusSourceSchema.parse({ type: "prometheus", id: "p", url: "http://x:9100/metrics", ...entry }));

test("timeout defaults to min(10 s, interval); headers are copied", () => {
  expect(parse({ interval: "5s" })).toEqual({ type: "prometheus", id: "p", url: "http://x:9100/metrics", intervalMs: 5000, timeoutMs: 5000, headers: {} });
  expect(parse({ interval: "1m" }).timeoutMs).toBe(PROMETHEUS_MAX_DEFAULT_TIMEOUT_MS);
  expect(parse({ interval: "1m", timeout: "500ms" }).timeoutMs).toBe(500);
  const headers = { Authorization: "Bearer t" };
  const c = parse({ interval: 1, headers });
  expect(c.headers).toEqual(headers);
  expect(c.headers).not.toBe(headers);
});

test("refused: a URL without a scheme, a missing interval", () => {
  const r = PrometheusSourceSchema.safeParse({ type: "prometheus", id: "p", url: "x:9100/metrics" });
  expect(r.error!.issues.map((i) => i.path.join("."))).toEqual(["url", "interval"]);
});
