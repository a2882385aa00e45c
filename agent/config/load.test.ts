import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkConfigText, loadConfig, parseConfigText } from "./load.ts";
import { ConfigError } from "./problems.ts";

const ctx = { configDir: "/etc/agent", hostname: "host-a" };

/** The shape from the issue, verbatim. */
const ISSUE_EXAMPLE = `
agent: { id: edge-01, data_dir: ./var }
sources:
  - { type: synthetic, id: synth, series: 200, interval: 1s, anomaly_ratio: 0.3, seed: 7 }
  - { type: procfs, id: host, interval: 10s }
  - { type: prometheus, id: app, url: "http://127.0.0.1:9100/metrics", interval: 15s }
model: { online: default }
scoring: { open_threshold: 0.6, min_points: 2 }
sinks:
  - { type: kafka, id: kafka, brokers: ["\${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}"], topic: "\${KAFKA_TOPIC:-metrics}" }
  - { type: elasticsearch, id: es, hosts: ["http://\${ELASTICSEARCH_HOST:-127.0.0.1:9200}"], index: metrics-edge }
  - { type: file, id: local, path: ./var/out.jsonl }
  - { type: stdout, id: console }
server: { listen: "127.0.0.1:8686" }
telemetry: { pushgateway: "http://127.0.0.1:9091", push_interval: 15s, job: agent }
`;

/** Problems of a text, as "path: message" strings. */
function problemsOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfigText(text, "agent.yaml", env, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error("expected a ConfigError");
}

const minimal = (extra = "") => `sources: [{ type: synthetic, id: s, interval: 1s }]\nsinks: [{ type: stdout, id: o }]\n${extra}`;

describe("parseConfigText", () => {
  test("the issue's example parses into the runtime config", () => {
    const c = parseConfigText(ISSUE_EXAMPLE, "/etc/agent/agent.yaml", {}, { hostname: "h" });
    expect(c.agent).toEqual({ id: "edge-01", dataDir: "/etc/agent/var", hostName: "h" });
    expect(c.sources.map((s) => [s.type, s.id, s.intervalMs])).toEqual([
      ["synthetic", "synth", 1000],
      ["procfs", "host", 10_000],
      ["prometheus", "app", 15_000],
    ]);
    expect(c.sinks.map((s) => s.type)).toEqual(["kafka", "elasticsearch", "file", "stdout"]);
    expect(c.sinks[0]).toMatchObject({ brokers: ["127.0.0.1:9092"], topic: "metrics", anomaliesTopic: "metrics-anomalies", clientId: "agent-edge-01" });
    expect(c.sinks[1]).toMatchObject({ hosts: ["http://127.0.0.1:9200"], deadLetterPath: "/etc/agent/var/dead-letter/es.jsonl" });
    expect(c.scoring).toEqual({ openThreshold: 0.6, closeThreshold: 0.48, minPoints: 2 });
    expect(c.server).toEqual({ enabled: true, host: "127.0.0.1", port: 8686 });
    expect(c.telemetry).toEqual({ pushgateway: "http://127.0.0.1:9091", pushIntervalMs: 15_000, job: "agent" });
  });

  test("env substitution in values, with defaults and $$", () => {
    const text = `agent: { id: "\${AGENT_ID}", host_name: "\${HN:-fallback}" }
sources: [{ type: synthetic, id: s, interval: 1s }]
sinks:
  - { type: stdout, id: o }
  - { type: file, id: f, path: "./a$$b-\${SUFFIX:-x}.jsonl" }
server: { listen: "\${LISTEN:-0.0.0.0:9999}" }
`;
    const c = parseConfigText(text, "/etc/agent/agent.yaml", { AGENT_ID: "edge-7" }, ctx);
    expect(c.agent.id).toBe("edge-7");
    expect(c.agent.hostName).toBe("fallback");
    expect(c.server).toMatchObject({ host: "0.0.0.0", port: 9999 });
    expect(c.sinks[1]).toMatchObject({ path: "/etc/agent/a$b-x.jsonl" });
  });

  test("a value that is one ${VAR} becomes a number or boolean where the schema wants one", () => {
    const text = `sources: [{ type: synthetic, id: s, interval: 1s, series: "\${N}", seed: "\${SEED:-3}" }]\nsinks: [{ type: stdout, id: o }]\nserver: { enabled: "\${ON:-false}" }\n`;
    const c = parseConfigText(text, "a.yaml", { N: "12" }, ctx);
    expect(c.sources[0]).toMatchObject({ series: 12, seed: 3 });
    expect(c.server.enabled).toBe(false);
    expect(problemsOf(text, { N: "twelve" })).toEqual(['sources[0].series: expected a number, found "twelve"']);
  });

  test("the prototype's environment variables fill keys the YAML omits", () => {
    const text = `sources: [{ type: synthetic, id: s, interval: 1s }]\nsinks:\n  - { type: kafka, id: k }\n  - { type: elasticsearch, id: e, index: m }\n`;
    const env = { KAFKA_BOOTSTRAP_SERVERS: "k1:9092,k2:9093", KAFKA_TOPIC: "t", ELASTICSEARCH_HOST: "es:9200", PROMETHEUS_PUSHGATEWAY: "pg:9091" };
    const c = parseConfigText(text, "a.yaml", env, ctx);
    expect(c.sinks[0]).toMatchObject({ brokers: ["k1:9092", "k2:9093"], topic: "t", anomaliesTopic: "t-anomalies", clientId: "agent-host-a" });
    expect(c.sinks[1]).toMatchObject({ hosts: ["http://es:9200"], anomaliesIndex: "m-anomalies" });
    expect(c.telemetry.pushgateway).toBe("http://pg:9091");
    const bare = parseConfigText(text, "a.yaml", {}, ctx);
    expect(bare.sinks[0]).toMatchObject({ brokers: ["127.0.0.1:9092"], topic: "metrics" });
    expect(bare.sinks[1]).toMatchObject({ hosts: ["http://127.0.0.1:9200"] });
    expect(bare.telemetry.pushgateway).toBeUndefined();
    expect(problemsOf(text, { KAFKA_BOOTSTRAP_SERVERS: "nope" })).toEqual([
      'sinks[0].brokers[0]: expected host:port (port 0-65535), found "nope" (from environment variable KAFKA_BOOTSTRAP_SERVERS)',
    ]);
  });

  test("every problem type at once, each with its path, in file order", () => {
    const text = `agent: { id: edge-01, colour: blue }
sources:
  - { type: synthetic, id: s, interval: 10 sec, series: many }
  - { type: prometheus, id: s, url: "localhost:9100", interval: 5s }
  - { type: carrier-pigeon, id: p }
sinks:
  - { type: kafka, id: k, brokers: ["\${KAFKA_HOST}"], compression: brotli }
  - { type: file, id: f }
server: { listen: "8686" }
`;
    const problems = problemsOf(text);
    expect(problems).toEqual([
      'agent: unknown key "colour"; allowed: id, data_dir, host_name',
      'sources[0].interval: expected a duration like 500ms, 10s, 2m, 1h or a number of seconds, found "10 sec"',
      'sources[0].series: expected a number, found "many"',
      'sources[1].id: duplicate id "s" (first used at sources[0].id)',
      'sources[1].url: expected an http:// or https:// URL, found "localhost:9100"',
      'sources[2].type: unknown type "carrier-pigeon": expected one of "synthetic", "procfs", "prometheus"',
      "sinks[0].brokers[0]: environment variable KAFKA_HOST is not set (use ${KAFKA_HOST:-default} to give a default)",
      'sinks[0].brokers[0]: expected host:port (port 0-65535), found ""',
      'sinks[0].compression: expected one of "gzip", "zstd", "none", found "brotli"',
      "sinks[1].path: missing (expected a string)",
      'server.listen: expected host:port (port 0-65535), found "8686"',
    ]);
  });

  test("the error message names the file on every line, with the line number", () => {
    let error: ConfigError | undefined;
    try {
      parseConfigText(minimal("agent: { nope: 1 }\n"), "conf/agent.yaml", {}, ctx);
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.file).toBe("conf/agent.yaml");
    expect(error?.message).toBe(
      'conf/agent.yaml: 1 problem in config\n  conf/agent.yaml: agent: unknown key "nope"; allowed: id, data_dir, host_name (line 3)',
    );
  });

  test("wrong types, missing sections, empty lists, bad model and scoring", () => {
    expect(problemsOf("sources: {}\n")).toEqual(["sources: expected a list, found a mapping", "sinks: missing (expected a list)"]);
    expect(problemsOf(minimal().replace("[{ type: stdout, id: o }]", "[]"))).toEqual(["sinks: expected at least one sink"]);
    expect(problemsOf(minimal("model: { online: default, bundle: ./m }\n"))).toEqual([
      'model: expected exactly one of "online: <name>", "bundle: <dir>" or "registry: {…}", found both online and bundle',
    ]);
    expect(problemsOf(minimal("model: { online: fancy }\n"))).toEqual(['model.online: expected one of "default", "lite", "shapes", "window", found "fancy"']);
    expect(problemsOf(minimal("scoring: { open_threshold: 1.5, min_points: 0 }\n"))).toEqual([
      "scoring.open_threshold: expected a number ≤ 1, found 1.5",
      "scoring.min_points: expected a number ≥ 1, found 0",
    ]);
    expect(problemsOf(minimal("scoring: { open_threshold: 0.5, close_threshold: 0.7 }\n"))).toEqual([
      "scoring.close_threshold: expected close_threshold ≤ open_threshold (0.5), found 0.7",
    ]);
    expect(problemsOf("- a\n")).toEqual([": expected a mapping, found a list"]);
    expect(problemsOf("")).toEqual([": the file is empty (expected a mapping with sources: and sinks:)"]);
  });

  test("YAML syntax errors carry line:col", () => {
    const problems = problemsOf("sources:\n  - { type: synthetic\nsinks: [\n");
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^\d+:\d+: YAML syntax error: /);
    expect(problemsOf("a: 1\na: 2\n")).toEqual(["2:1: YAML syntax error: Map keys must be unique"]);
  });

  test("checkConfigText returns problems without throwing", () => {
    const r = checkConfigText(minimal("agent: { id: 'bad id' }\n"), "a.yaml", {}, ctx);
    expect(r.config).toBeUndefined();
    expect(r.problems).toEqual([{ path: "agent.id", message: expect.stringContaining('found "bad id"'), line: 3 }]);
  });
});

describe("loadConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "agent-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("resolves relative paths against the config file's directory", async () => {
    const file = join(dir, "agent.yaml");
    writeFileSync(
      file,
      `agent: { data_dir: state }\nsources: [{ type: procfs, id: h, interval: 10s, root: fixtures/proc }]\nmodel: { bundle: ./models/ae }\n` +
        `sinks:\n  - { type: file, id: f, path: out/x.jsonl }\n  - { type: elasticsearch, id: e, index: m, dead_letter_path: dl.jsonl }\n`,
    );
    const c = await loadConfig(file, {}, { hostname: "h" });
    expect(c.file).toBe(file);
    expect(c.agent.dataDir).toBe(join(dir, "state"));
    expect(c.model).toEqual({ bundle: join(dir, "models/ae") });
    expect(c.sources[0]).toMatchObject({ root: join(dir, "fixtures/proc"), sysRoot: "/sys" });
    expect(c.sinks[0]).toMatchObject({ path: join(dir, "out/x.jsonl") });
    expect(c.sinks[1]).toMatchObject({ deadLetterPath: join(dir, "dl.jsonl") });
  });

  test("a missing file is a one-line error", async () => {
    const file = join(dir, "nope.yaml");
    const error = await loadConfig(file, {}).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`${file}: cannot read config: no such file`);
  });
});

describe("model.alarms_per_day", () => {
  test("sets online:default's false-alarm rate; refused next to another model, with the reason", () => {
    const ok = parseConfigText(minimal("model: { online: default, alarms_per_day: 0.05 }\n"), "a.yaml", {}, ctx);
    expect(ok.model).toEqual({ online: "default", alarmsPerDay: 0.05 });
    expect(problemsOf(minimal("model: { online: window, alarms_per_day: 1 }\n"))).toEqual([
      'model.alarms_per_day: applies to "online: default", "online: lite" or "online: shapes" only, found online: window',
    ]);
    expect(problemsOf(minimal("model: { online: default, alarms_per_day: 0 }\n"))[0]).toMatch(/^model\.alarms_per_day: /);
  });
});
