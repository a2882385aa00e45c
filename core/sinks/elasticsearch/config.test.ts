import { expect, test } from "bun:test";
import { ElasticsearchSinkSchema, toElasticsearchSinkConfig } from "./config.ts";

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
  expect(r.error!.issues.map((i) => i.path.join("."))).toEqual(["index", "flavor", "auth"]);
  expect(r.error!.issues[0].message).toBe('expected a lowercase index name, found "Metrics"');
  expect(r.error!.issues[2].message).toBe("expected {username, password} or {api_key}, found a mapping");
});
