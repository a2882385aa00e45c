/**
 * The `drift` record kind against the data contract and every sink's routing: it travels as an
 * `anomaly` OutRecord (anomalies topic/index, `only: anomalies`), the guards tell it from an
 * anomaly event, the disk buffer's frames keep it, and stdout's pretty format has a line for it.
 * The sinks' own suites deliver such records for real (`core/sinks/testing/records.ts` makeDrift).
 */
import { describe, expect, test } from "bun:test";
import { decodeFrame, encodeFrames } from "./buffer/disk/format.ts";
import { isAnomalyEvent, isDriftEvent, type OutRecord } from "./events.ts";
import { toNdjson } from "./sinks/elasticsearch/bulk.ts";
import { toTopicMessages } from "./sinks/kafka/send.ts";
import { passesOnly } from "./sinks/shared/only.ts";
import { formatPretty } from "./sinks/stdout/format.ts";
import { makeAnomaly, makeDrift, makePoint } from "./sinks/testing/records.ts";

const batch: OutRecord[] = [makePoint("a", 1), makeAnomaly("a", 2), makeDrift("a", 3), makeDrift("a", 4, "score")];

describe("drift records", () => {
  test("the guards tell drift and anomaly events apart", () => {
    expect(batch.map((r) => [isAnomalyEvent(r), isDriftEvent(r)])).toEqual([
      [false, false],
      [true, false],
      [false, true],
      [false, true],
    ]);
  });

  test("Kafka: drift records go to the anomalies topic; Elasticsearch: to the anomalies index", () => {
    const topics = toTopicMessages(batch, { topic: "pts", anomaliesTopic: "anom", compression: 0 });
    expect(topics.map((t) => [t.topic, t.messages.length])).toEqual([
      ["pts", 1],
      ["anom", 3],
    ]);
    expect(JSON.parse(String(topics[1].messages[1].value)).event.kind).toBe("drift");
    const lines = toNdjson(batch, { index: "pts", anomaliesIndex: "anom", requestTimeoutMs: 1 }).trim().split("\n");
    expect(lines.filter((_, i) => i % 2 === 0).map((l) => JSON.parse(l).create._index)).toEqual(["pts", "anom", "anom", "anom"]);
    expect(JSON.parse(lines[5]).drift).toMatchObject({ state: "start", stream: "input" });
  });

  test("file/stdout `only`: anomalies keeps drift records, points does not", () => {
    expect(batch.filter((r) => passesOnly(r, "anomalies")).length).toBe(3);
    expect(batch.filter((r) => passesOnly(r, "points")).length).toBe(1);
  });

  test("stdout pretty: one readable line per drift record", () => {
    expect(formatPretty(batch[2])).toBe("DRIFT   start synthetic.value{series=series_0003} psi=0.412 level=0.25 model=online:default v1 at 12:00:03");
    expect(formatPretty(batch[3])).toMatch(/^DRIFT {3}start scores psi=0\.412 /);
    expect(formatPretty(batch[1])).toMatch(/^ANOMALY open /);
  });

  test("the disk buffer's frames keep a drift record as it was", () => {
    const { bytes } = encodeFrames([batch[2]]);
    const back = decodeFrame(new Uint8Array(bytes), 0)!;
    expect(back.kind).toBe("anomaly");
    expect(back.doc).toEqual(batch[2].doc);
    expect(isDriftEvent(back)).toBe(true);
  });
});
