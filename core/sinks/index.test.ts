import { expect, test } from "bun:test";
import * as sinks from "./index.ts";

test("index exports every factory, and each builds a sink of its type", () => {
  const built = [
    sinks.createKafkaSink({ id: "k", brokers: ["127.0.0.1:9"], clientId: "c", topic: "t", anomaliesTopic: "a" }),
    sinks.createElasticsearchSink({ id: "e", hosts: "http://127.0.0.1:9", index: "i", anomaliesIndex: "a", deadLetterPath: "/tmp/x" }),
    sinks.createFileSink({ id: "f", path: "/tmp/x.jsonl" }),
    sinks.createStdoutSink({ id: "s" }),
  ];
  expect(built.map((s) => [s.id, s.type])).toEqual([["k", "kafka"], ["e", "elasticsearch"], ["f", "file"], ["s", "stdout"]]);
  expect(sinks.KAFKA_SINK_DEFAULTS.compression).toBe("gzip");
  expect(sinks.buildIndexTemplate({ index: "m", anomaliesIndex: "m" }).index_patterns).toEqual(["m"]);
});
