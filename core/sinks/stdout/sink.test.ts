import { describe, expect, test } from "bun:test";
import { makeAnomaly, makeBatch, makePoint } from "../testing/records.ts";
import { isAnomalyEvent } from "../../events.ts";
import { formatPretty } from "./format.ts";
import { createStdoutSink, type LineOutput } from "./sink.ts";
import { settle, waitFor } from "../../testing/wait-for.ts";

function capture(): LineOutput & { text: string } {
  const o = { text: "", write: (s: string) => ((o.text += s), true) };
  return o;
}

describe("createStdoutSink", () => {
  test("json: one document per line", async () => {
    const out = capture();
    const sink = createStdoutSink({ id: "s", out });
    const batch = makeBatch("ag", 12);
    expect(await sink.send(batch)).toEqual({ delivered: 12, retry: [], dead: [], errors: {} });
    expect(
      out.text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual(batch.map((r) => r.doc));
  });

  test("pretty + only anomalies: readable anomaly lines, points filtered out but delivered", async () => {
    const out = capture();
    const sink = createStdoutSink({ id: "s", out, only: "anomalies", format: "pretty" });
    expect((await sink.send([makePoint("ag", 0), makeAnomaly("ag", 1), makeAnomaly("ag", 5, "close")])).delivered).toBe(3);
    expect(out.text).toBe(
      "ANOMALY open  synthetic.value{series=series_0003} score=0.93 model=online:default v1 at 12:00:01\n" +
        "ANOMALY close synthetic.value{series=series_0003} score=0.93 model=online:default v1 at 12:00:05 points=3\n",
    );
  });

  test("pretty prints points as JSON; labels sorted, none → bare name", () => {
    const p = makePoint("ag", 0);
    expect(formatPretty(p)).toBe(JSON.stringify(p.doc));
    const a = makeAnomaly("ag", 1);
    if (a.kind !== "anomaly") throw new Error("fixture");
    a.doc.metric.labels = { z: "1", a: "2" };
    expect(formatPretty(a)).toContain("synthetic.value{a=2,z=1} ");
    a.doc.metric.labels = {};
    expect(formatPretty(a)).toContain("ANOMALY open  synthetic.value score=");
    expect(formatPretty(a)).not.toContain("top=");
  });

  test("pretty: a host-model event names its contributors", () => {
    const a = makeAnomaly("ag", 1);
    if (!isAnomalyEvent(a)) throw new Error("fixture");
    a.doc.metric = { name: "agent.host", labels: { group: "host" } };
    a.doc.anomaly.contributors = [
      { name: "disk.reads_per_sec{device=vda}", share: 0.62 },
      { name: "cpu.iowait", share: 0.061 },
    ];
    expect(formatPretty(a)).toMatch(/^ANOMALY open {2}agent\.host\{group=host\} score=.* top=disk\.reads_per_sec\{device=vda\}:0\.62,cpu\.iowait:0\.06$/);
  });

  test("only points; a throwing stream → retry as io_error; a full stream waits for drain", async () => {
    const bad = createStdoutSink({
      id: "s",
      only: "points",
      out: {
        write: () => {
          throw new Error("EPIPE");
        },
      },
    });
    const batch = makeBatch("ag", 10);
    const r = await bad.send(batch);
    expect(r.delivered).toBe(1);
    expect(r.retry).toHaveLength(9);
    expect(r.errors).toEqual({ io_error: 1 });

    let drain: (() => void) | undefined;
    const full = createStdoutSink({ id: "s", out: { write: () => false, once: (_e, l) => void (drain = l) } });
    let done = false;
    const p = full.send(batch).then((x) => ((done = true), x));
    await waitFor(() => drain !== undefined, { what: "the sink waiting for drain" });
    await settle();
    expect(done).toBe(false);
    drain!();
    expect((await p).delivered).toBe(10);
  });
});
