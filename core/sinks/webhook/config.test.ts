import { expect, test } from "bun:test";
import { toWebhookSinkConfig, WebhookSinkSchema } from "./config.ts";

const ctx = { configDir: "/etc/agent", agentId: "edge-01", dataDir: "/var/lib/agent" };
const parse = (entry: object) => toWebhookSinkConfig(WebhookSinkSchema.parse({ type: "webhook", id: "hook", url: "https://hooks.example/a", ...entry }), ctx);
const paths = (entry: object) =>
  WebhookSinkSchema.safeParse({ type: "webhook", id: "hook", url: "https://hooks.example/a", ...entry }).error!.issues.map(
    (i) => `${i.path.join(".")}: ${i.message}`,
  );

test("defaults: only anomalies, no signature, the header names, 20 requests a minute", () => {
  expect(parse({})).toEqual({
    type: "webhook",
    id: "hook",
    only: "anomalies",
    batch: { maxRecords: 500, maxBytes: 1_000_000, maxWaitMs: 1000 },
    url: "https://hooks.example/a",
    headers: {},
    signatureHeader: "X-Agent-Signature",
    timestampHeader: "X-Agent-Timestamp",
    timeoutMs: 10_000,
    rateLimit: { maxRequests: 20, perMs: 60_000 },
  });
});

test("secret from a file (relative to the config) or the environment; headers as written", () => {
  expect(parse({ secret: { file: "secrets/hook" } }).secret).toEqual({ file: "/etc/agent/secrets/hook" });
  expect(parse({ secret: { env: "HOOK_SECRET" }, headers: { "X-Team": "ops" }, signature_header: "X-Sig" })).toMatchObject({
    secret: { env: "HOOK_SECRET" },
    headers: { "X-Team": "ops" },
    signatureHeader: "X-Sig",
  });
});

test("refused: an inline secret, a bad header name, only: points, a zero rate", () => {
  expect(paths({ secret: "s3cret" })).toEqual(['secret: expected { file: <path> } or { env: <VARIABLE> }, found "s3cret"']);
  expect(paths({ headers: { "Bad Header": "x" } })).toEqual(['headers: expected HTTP header names, found "Bad Header"']);
  expect(paths({ signature_header: "a:b" })[0]).toContain("expected an HTTP header name");
  expect(paths({ only: "points" })[0]).toContain("expected anomalies or all");
  expect(paths({ rate_limit: { max_requests: 0 } })[0]).toStartWith("rate_limit.max_requests");
});
