import { expect, test } from "bun:test";
import { AlertmanagerSinkSchema, toAlertmanagerSinkConfig } from "./config.ts";

const ctx = { configDir: "/etc/agent", agentId: "edge-01", dataDir: "/var/lib/agent" };
const parse = (entry: object) =>
  toAlertmanagerSinkConfig(AlertmanagerSinkSchema.parse({ type: "alertmanager", id: "am", url: "http://am:9093", ...entry }), ctx);
const paths = (entry: object) =>
  AlertmanagerSinkSchema.safeParse({ type: "alertmanager", id: "am", url: "http://am:9093", ...entry }).error!.issues.map(
    (i) => `${i.path.join(".")}: ${i.message}`,
  );

test("defaults: only anomalies, AgentAnomaly/warning, 1 min re-send, 20 requests a minute", () => {
  expect(parse({})).toEqual({
    type: "alertmanager",
    id: "am",
    only: "anomalies",
    batch: { maxRecords: 500, maxBytes: 1_000_000, maxWaitMs: 1000 },
    url: "http://am:9093",
    alertname: "AgentAnomaly",
    severity: "warning",
    labels: {},
    headers: {},
    timeoutMs: 10_000,
    resendIntervalMs: 60_000,
    maxOpenAlerts: 10_000,
    rateLimit: { maxRequests: 20, perMs: 60_000 },
  });
});

test("auth: secret files resolved against the config directory, env kept by name", () => {
  expect(parse({ auth: { basic: { username: "agent", password: { file: "am-pass" } } } }).auth).toEqual({
    basic: { username: "agent", password: { file: "/etc/agent/am-pass" } },
  });
  expect(parse({ auth: { bearer_token: { env: "AM_TOKEN" } } }).auth).toEqual({ bearerToken: { env: "AM_TOKEN" } });
  expect(parse({ resend_interval: "30s", rate_limit: { max_requests: 5, per: "10s" } })).toMatchObject({
    resendIntervalMs: 30_000,
    rateLimit: { maxRequests: 5, perMs: 10_000 },
  });
});

test("refused: reserved or invalid static labels, only: points, a secret that is both or neither, a non-http url", () => {
  expect(paths({ labels: { host: "x", team: "ops" } })).toEqual([
    "labels: labels may not set alertname, severity, agent, host, metric (the sink sets them; use alertname/severity), found host",
  ]);
  expect(paths({ labels: { "bad-name": "x" } })).toEqual(['labels: expected label names ([a-zA-Z_][a-zA-Z0-9_]*), found "bad-name"']);
  expect(paths({ only: "points" })).toEqual(['only: expected anomalies or all (points never become alerts), found "points"']);
  expect(paths({ auth: { bearer_token: { file: "a", env: "B" } } })[0]).toContain(
    "expected { basic: { username, password: { file | env } } } or { bearer_token",
  );
  expect(paths({ url: "am:9093" })[0]).toContain("expected an http:// or https:// URL");
  expect(paths({ max_open_alerts: 0 })[0]).toStartWith("max_open_alerts");
});
