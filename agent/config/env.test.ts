import { describe, expect, test } from "bun:test";
import { envDefaults, substituteEnv, substituteString } from "./env.ts";

describe("substituteString", () => {
  test("replaces ${VAR} and ${VAR:-default}", () => {
    const env = { HOST: "es1", EMPTY: "" };
    expect(substituteString("http://${HOST}:9200", env)).toEqual({ value: "http://es1:9200", problems: [] });
    expect(substituteString("${MISSING:-127.0.0.1:9092}", env).value).toBe("127.0.0.1:9092");
    expect(substituteString("${HOST:-other}", env).value).toBe("es1");
    expect(substituteString("${EMPTY:-fallback}", env).value).toBe("fallback");
    expect(substituteString("${EMPTY}", env)).toEqual({ value: "", problems: [] });
    expect(substituteString("${MISSING:-}", env).value).toBe("");
  });
  test("$$ is a literal $ and a lone $ stays", () => {
    expect(substituteString("pa$$word ${A}$$", { A: "x" }).value).toBe("pa$word x$");
    expect(substituteString("$$${A}", { A: "x" }).value).toBe("$x");
    expect(substituteString("cost: 5$ or $HOME", {}).value).toBe("cost: 5$ or $HOME");
  });
  test("a substituted value is not substituted again", () => {
    expect(substituteString("${A}", { A: "${B}", B: "no" }).value).toBe("${B}");
  });
  test("unset variable without default and malformed expressions are problems", () => {
    expect(substituteString("${NOPE}", {}).problems).toEqual(["environment variable NOPE is not set (use ${NOPE:-default} to give a default)"]);
    expect(substituteString("${1BAD}", {}).problems[0]).toContain("malformed");
    expect(substituteString("x ${OPEN", {}).problems[0]).toContain('unclosed "${"');
  });
});

describe("substituteEnv", () => {
  test("walks every string value, reports paths, leaves keys and other scalars", () => {
    const tree = { "${K}": 1, sinks: [{ brokers: ["${B:-h:1}", "${NOPE}"] }], n: 3, ok: true, nil: null };
    const r = substituteEnv(tree, { K: "x" });
    expect(r.value).toEqual({ "${K}": 1, sinks: [{ brokers: ["h:1", ""] }], n: 3, ok: true, nil: null });
    expect(r.problems).toEqual([{ path: ["sinks", 0, "brokers", 1], message: expect.stringContaining("NOPE is not set") }]);
    expect(r.whole).toEqual([
      ["sinks", 0, "brokers", 0],
      ["sinks", 0, "brokers", 1],
    ]);
  });
  test("does not modify its input", () => {
    const tree = { a: ["${X:-1}"] };
    substituteEnv(tree, {});
    expect(tree.a[0]).toBe("${X:-1}");
  });
});

describe("envDefaults (the prototype's variables)", () => {
  test("fallbacks when nothing is set", () => {
    expect(envDefaults({})).toEqual({
      kafkaBrokers: ["127.0.0.1:9092"],
      kafkaTopic: "metrics",
      elasticsearchHosts: ["http://127.0.0.1:9200"],
      ingestGroupId: "metrics-consumer",
    });
  });
  test("reads, splits and adds schemes", () => {
    const d = envDefaults({
      KAFKA_BOOTSTRAP_SERVERS: "k1:9092, k2:9092",
      KAFKA_TOPIC: "m",
      KAFKA_GROUP_ID: "g",
      ELASTICSEARCH_HOST: "localhost:9200,https://es2:9200",
      PROMETHEUS_PUSHGATEWAY: "localhost:9091",
    });
    expect(d).toEqual({
      kafkaBrokers: ["k1:9092", "k2:9092"],
      kafkaTopic: "m",
      ingestGroupId: "g",
      elasticsearchHosts: ["http://localhost:9200", "https://es2:9200"],
      pushgateway: "http://localhost:9091",
    });
  });
});
