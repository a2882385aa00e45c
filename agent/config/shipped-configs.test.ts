/**
 * Every config the project ships validates against the generated JSON Schema with a real JSON
 * Schema validator (Python's `jsonschema`, Draft 2020-12: what editors see), `${VAR}` values
 * included, and the loader agrees; broken values are refused by both.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { DEFAULT_CONFIG_YAML } from "./default.ts";
import { exampleConfig } from "./example.ts";
import { configJsonSchema } from "./json-schema.ts";
import { checkConfigText } from "./load.ts";

const root = join(import.meta.dir, "../..");
const read = (p: string) => readFileSync(join(root, p), "utf8");
const env = { NODE_NAME: "node-1", KAFKA_BOOTSTRAP_SERVERS: "k1:9092,k2:9092", AGENT_REGISTRY_TOKEN: "agent-token" };

/** name → YAML text of every shipped config. */
function shippedConfigs(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(join(root, "infra/configs")).filter((f) => f.endsWith(".yaml"))) out[`infra/configs/${f}`] = read(`infra/configs/${f}`);
  const cm = read("infra/kubernetes/daemonset.yaml")
    .split(/^---$/m)
    .map((d) => parse(d))
    .find((d) => d?.kind === "ConfigMap");
  out["infra/kubernetes/daemonset.yaml ConfigMap"] = cm.data["agent.yaml"];
  out["infra/compose.yaml configs.agent-config"] = parse(read("infra/compose.yaml")).configs["agent-config"].content;
  const blocks = [...read("README.md").matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => /^sources:/m.test(b) && /^sinks:/m.test(b));
  blocks.forEach((b, i) => (out[`README.md agent.yaml block ${i + 1}`] = b));
  out["embedded default config"] = DEFAULT_CONFIG_YAML;
  out["agent config example"] = exampleConfig();
  return out;
}

/** Python 3 with jsonschema (as infra/check/schema_check.py uses it); a missing one fails under CI, skips otherwise. */
function pythonWithJsonschema(): string | undefined {
  for (const py of [Bun.which("python3"), "/usr/bin/python3"]) {
    if (py && Bun.spawnSync([py, "-c", "import jsonschema"], { stderr: "ignore" }).exitCode === 0) return py;
  }
  if (process.env.CI) throw new Error("python3 with jsonschema is missing under CI (apt-get install python3-jsonschema; .ci/run does)");
  console.log("[config] SKIPPED the JSON Schema checks: python3 with jsonschema not found (apt-get install python3-jsonschema)");
  return undefined;
}

const python = pythonWithJsonschema();
const VALIDATE = `
import json, sys, jsonschema
req = json.load(sys.stdin)
v = jsonschema.Draft202012Validator(req["schema"])
jsonschema.Draft202012Validator.check_schema(req["schema"])
print(json.dumps({name: ["/".join(map(str, e.absolute_path)) + ": " + e.message[:200] for e in v.iter_errors(doc)] for name, doc in req["docs"].items()}))
`;

/** Validates parsed YAML documents with Python's jsonschema; name → error lines. */
function validate(docs: Record<string, string>): Record<string, string[]> {
  const input = JSON.stringify({ schema: configJsonSchema(), docs: Object.fromEntries(Object.entries(docs).map(([k, y]) => [k, parse(y)])) });
  const p = Bun.spawnSync([python!, "-c", VALIDATE], { stdin: Buffer.from(input) });
  if (p.exitCode !== 0) throw new Error(`jsonschema failed: ${p.stderr.toString()}`);
  return JSON.parse(p.stdout.toString());
}

test.skipIf(!python)("every shipped config passes the JSON Schema (jsonschema, Draft 2020-12) and the loader", () => {
  const configs = shippedConfigs();
  expect(Object.keys(configs).length).toBeGreaterThanOrEqual(8);
  expect(Object.keys(configs)).toContain("README.md agent.yaml block 1");
  const errors = validate(configs);
  for (const [name, text] of Object.entries(configs)) {
    expect({ name, errors: errors[name] }).toEqual({ name, errors: [] });
    expect({ name, problems: checkConfigText(text, name, env, { configDir: "/tmp" }).problems }).toEqual({ name, problems: [] });
  }
});

/** Every kind of key given as `${VAR}` / `${VAR:-default}`: numbers, integers, booleans, enums, durations, sizes, lists, topics, URLs. */
const WITH_VARS = `
agent: { id: "\${NODE_NAME}", data_dir: "\${DATA_DIR:-/var/lib/agent}" }
sources:
  - { type: synthetic, id: synth, series: "\${SERIES:-50}", interval: "\${INTERVAL:-1s}", anomaly_ratio: "\${RATIO:-0.2}", seed: "\${SEED}" }
  - { type: procfs, id: host, interval: "\${PROC_SECONDS:-10}s", root: "\${PROC_ROOT:-/proc}" }
  - { type: prometheus, id: app, url: "http://\${APP_HOST:-127.0.0.1}:9100/metrics", interval: "\${APP_INTERVAL:-15}" }
model: { online: "\${MODEL:-default}", alarms_per_day: "\${ALARMS:-0.5}" }
scoring: { min_points: "\${MIN_POINTS:-2}" }
sinks:
  - { type: kafka, id: kafka, brokers: "\${KAFKA_BOOTSTRAP_SERVERS}", topic: "\${KAFKA_TOPIC:-metrics}", compression: "\${KAFKA_COMPRESSION:-zstd}" }
  - { type: elasticsearch, id: es, hosts: ["http://\${ELASTICSEARCH_HOST:-127.0.0.1:9200}"], index: "metrics-\${SITE:-edge}" }
  - { type: stdout, id: console, only: "\${ONLY:-anomalies}" }
server: { listen: "\${LISTEN:-127.0.0.1:8686}", enabled: "\${SERVER_ENABLED:-true}" }
telemetry: { pushgateway: "http://\${PUSHGATEWAY:-127.0.0.1:9091}", push_interval: "\${PUSH:-30s}" }
buffer: { type: "\${BUFFER:-disk}", max_size: "\${BUFFER_SIZE:-64MiB}", when_full: "\${WHEN_FULL:-drop_newest}", segment_size: "\${SEGMENT:-4MiB}" }
`;

test.skipIf(!python)("${VAR} in numbers, booleans, enums, durations, sizes and lists: the schema and the loader both accept them", () => {
  expect(validate({ vars: WITH_VARS }).vars).toEqual([]);
  const r = checkConfigText(WITH_VARS, "vars.yaml", { ...env, SEED: "7", SERVER_ENABLED: "false" }, { configDir: "/tmp" });
  expect(r.problems).toEqual([]);
  const synth = r.config!.sources[0] as any;
  expect([synth.series, synth.seed]).toEqual([50, 7]);
  expect((r.config!.sinks[0] as any).brokers).toEqual(["k1:9092", "k2:9092"]);
  expect(r.config!.server.enabled).toBe(false);
});

test.skipIf(!python)("broken values are refused by the schema (and the loader)", () => {
  const base = read("infra/configs/host.yaml");
  const broken: Record<string, string> = {
    "bad topic": base.replace('topic: "${KAFKA_TOPIC:-metrics}"', 'topic: "no spaces allowed"'),
    "bad duration": base.replace("interval: 10s", "interval: 10 parsecs"),
    "number as text": base.replace("interval: 10s", "interval: ten"),
    "escaped $${VAR} is no variable": base.replace('topic: "${KAFKA_TOPIC:-metrics}"', () => 'topic: "$${KAFKA_TOPIC}"'),
    "${VAR} plus text in a number": `${base}scoring: { min_points: "\${N}0" }\n`,
    "unknown key": base.replace("data_dir: /var/lib/agent", "data_dir: /var/lib/agent, colour: blue"),
    "bad enum": `${base}buffer: { when_full: explode }\n`,
  };
  const errors = validate(broken);
  for (const [name, text] of Object.entries(broken)) {
    expect({ name, refused: errors[name].length > 0 }).toEqual({ name, refused: true });
    expect({ name, refused: checkConfigText(text, name, { ...env, N: "1" }, { configDir: "/tmp" }).problems.length > 0 }).toEqual({ name, refused: true });
  }
});
