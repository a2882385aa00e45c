import { expect, test } from "bun:test";
import { cloudUrl, ElasticsearchSinkSchema, elasticsearchSinkFiles, toElasticsearchSinkConfig } from "./config.ts";

const ctx = { configDir: "/etc/agent", agentId: "edge-01", dataDir: "/var/agent" };
const parse = (entry: object) => toElasticsearchSinkConfig(ElasticsearchSinkSchema.parse({ type: "elasticsearch", id: "es", index: "m", ...entry }), ctx);

test("defaults: hosts, derived anomalies index, auto flavor, dead letters under the data dir, no auth", () => {
  const c = parse({});
  expect(c).toMatchObject({
    hosts: ["http://127.0.0.1:9200"],
    anomaliesIndex: "m-anomalies",
    flavor: "auto",
    deadLetterPath: "/var/agent/dead-letter/es.jsonl",
  });
  expect("auth" in c).toBe(false);
});

test("dead_letter_path is relative to the config file; auth forms map to the client's", () => {
  expect(parse({ dead_letter_path: "dl/es.jsonl" }).deadLetterPath).toBe("/etc/agent/dl/es.jsonl");
  expect(parse({ auth: { api_key: "K" } }).auth).toEqual({ apiKey: "K" });
  expect(parse({ auth: { username: "u", password: "p" } }).auth).toEqual({ username: "u", password: "p" });
});

test("refused: uppercase index, unknown flavor, half an auth", () => {
  const r = ElasticsearchSinkSchema.safeParse({ type: "elasticsearch", id: "es", index: "Metrics", flavor: "solr", auth: { username: "u" } });
  expect(r.error!.issues.map((i) => i.path.join("."))).toEqual(["index", "flavor", "auth.password"]);
  expect(r.error!.issues[0].message).toBe('expected a lowercase index name, found "Metrics"');
  expect(r.error!.issues[2].message).toBe(`expected exactly one of password_file (a file holding the secret) or password (inline or "$\{VAR}"), found neither`);
});

const issues = (entry: object) =>
  ElasticsearchSinkSchema.safeParse({ type: "elasticsearch", id: "es", index: "m", ...entry }).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);

test("secrets from files, tls files resolved against the config dir, the files listed for validate", () => {
  const c = parse({
    auth: { username: "agent", password_file: "es.password" },
    tls: { ca: "pki/ca.pem", cert: "/pki/c.pem", key: "c.key", server_name: "es.internal" },
  });
  expect(c.auth).toEqual({ username: "agent", passwordFile: "/etc/agent/es.password" });
  expect(c.tls).toEqual({ caFile: "/etc/agent/pki/ca.pem", certFile: "/pki/c.pem", keyFile: "/etc/agent/c.key", serverName: "es.internal", verify: true });
  expect(elasticsearchSinkFiles(c, "sinks[1]")).toEqual([
    { key: "sinks[1].tls.ca", file: "/etc/agent/pki/ca.pem", kind: "ca" },
    { key: "sinks[1].tls.cert", file: "/pki/c.pem", kind: "cert" },
    { key: "sinks[1].tls.key", file: "/etc/agent/c.key", kind: "key" },
    { key: "sinks[1].auth.password_file", file: "/etc/agent/es.password", kind: "secret" },
  ]);
  expect(parse({ auth: { api_key_file: "/run/secrets/es" } }).auth).toEqual({ apiKeyFile: "/run/secrets/es" });
  const fp = "AB:".repeat(31) + "AB";
  expect(parse({ tls: { ca_fingerprint: fp } }).tls).toEqual({ caFingerprint: fp, verify: true });
});

test("cloud_id: the node URL is derived from it (hosts ignored); a malformed one is refused", () => {
  const id = `edge:${Buffer.from("eu-west-1.aws.found.io:443$abc123$kib").toString("base64")}`;
  expect(cloudUrl(id)).toBe("https://abc123.eu-west-1.aws.found.io:443");
  expect(parse({ cloud_id: id, hosts: ["http://x:9200"] })).toMatchObject({ cloudId: id, hosts: ["https://abc123.eu-west-1.aws.found.io:443"] });
  expect(issues({ cloud_id: "nocolon" })?.[0]).toStartWith("cloud_id: expected an Elastic Cloud ID");
  expect(issues({ cloud_id: `x:${Buffer.from("only-host").toString("base64")}` })?.[0]).toStartWith("cloud_id: expected an Elastic Cloud ID");
});

test("auth and tls mistakes are refused, naming the key", () => {
  expect(issues({ auth: { username: "u", password: "p", api_key: "k" } })).toEqual([
    "auth: expected {username, password | password_file} or {api_key | api_key_file}, found both",
  ]);
  expect(issues({ auth: { api_key: "k", api_key_file: "f" } })?.[0]).toStartWith("auth.api_key_file: expected exactly one of api_key_file");
  expect(issues({ auth: { password: "p" } })).toContain("auth.username: expected a username next to the password");
  expect(issues({ tls: { ca_fingerprint: "AB:CD" } })?.[0]).toStartWith("tls.ca_fingerprint: expected a SHA-256 fingerprint");
  expect(issues({ tls: { key: "k.pem" } })?.[0]).toContain("expected both cert and key");
  expect(issues({ tls: { ca: "a.pem", ca_fingerprint: "AB".repeat(32) } })?.[0]).toContain("expected ca or ca_fingerprint, not both");
});
