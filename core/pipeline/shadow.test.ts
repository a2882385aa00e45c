/**
 * Shadow mode through the whole round: a candidate model scores the same points as the live
 * one; records keep the live score; agreement and the candidate's alarm rate show in `/status`
 * (the pipeline's), the heartbeat facts and `/metrics` (`agent_shadow_*`).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { createOnlineModel } from "../../models/online/default.ts";
import type { OutRecord } from "../events.ts";
import { waitFor } from "../testing/wait-for.ts";
import { Pipeline } from "./pipeline.ts";
import { MemorySink } from "./testing/memory-sink.ts";
import { ShiftingSource } from "./testing/shifting-source.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Series and rounds of a run. */
interface Span {
  series: number;
  rounds: number;
  /** A 20σ level shift on 3 series at round 150 (events on both models), or stationary noise. */
  shift: boolean;
}
const SHIFTED: Span = { series: 12, rounds: 500, shift: true };
/** The online model's calibration keeps settling over its first ~1000 points: a longer run to see alarm rates apart. */
const NOISE: Span = { series: 24, rounds: 1500, shift: false };

/** Runs a pipeline until `span.rounds` rounds were delivered. */
async function run(live: string, shadow: string | undefined, span: Span) {
  const dir = mkdtempSync(join(tmpdir(), "pipeline-shadow-"));
  dirs.push(dir);
  const sink = new MemorySink("mem");
  const source = new ShiftingSource(
    "shifting",
    1,
    span.series,
    span.shift ? { changeAt: 150, shift: 20, changed: (i) => i < 3 } : { changeAt: Number.POSITIVE_INFINITY },
  );
  const p = new Pipeline({
    agentId: "t",
    hostName: "h",
    dataDir: join(dir, "var"),
    buffer: { type: "memory", maxBytes: 64 << 20, whenFull: "block" },
    sources: [source],
    sinks: [{ id: sink.id, driver: { maxWaitMs: 10 }, create: () => sink }],
    model: createOnlineModel(live),
    shadow: shadow === undefined ? undefined : async () => createOnlineModel(shadow),
    log: pino({ level: "silent" }),
  });
  await p.start();
  try {
    await waitFor(
      () => sink.records.length >= span.rounds * span.series && sink.records.filter((r) => r.kind === "point").length >= span.rounds * span.series,
      {
        timeoutMs: 90_000,
      },
    );
    p.refreshGauges();
    const metrics = await p.telemetry.registry.metrics();
    return { status: p.status(), facts: p.host().facts(), metrics, records: sink.records };
  } finally {
    await p.stop();
  }
}

/** Live scores of the first `rounds` points of every series, by series. */
function liveScores(records: OutRecord[], rounds: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of records) {
    if (r.kind !== "point") continue;
    const k = r.doc.metric.labels.series;
    const a = out.get(k) ?? (out.set(k, []), out.get(k)!);
    if (a.length < rounds) a.push(r.doc.anomaly.score);
  }
  return out;
}

const num = (text: string, re: RegExp) => Number(text.match(re)?.[1] ?? Number.NaN);

describe("shadow scoring through the pipeline", () => {
  test("a shadow identical to the live model agrees 100 %, on points and on alarm onsets", async () => {
    const r = await run("online:default", "online:default", SHIFTED);
    const s = r.status.shadow!;
    expect(s.model).toMatchObject({ name: "online:default" });
    expect(s.points).toBeGreaterThanOrEqual(SHIFTED.rounds * SHIFTED.series);
    expect(s.agreement).toBe(1);
    expect(s.onsets.live).toBeGreaterThan(0); // the shift opened events: onsets were compared
    expect(s.onsets.shadow).toBe(s.onsets.live);
    expect(s.onset_agreement).toBe(1);
    expect(s.flag_rate).toBe(s.live_flag_rate);
    expect(r.facts.shadow).toEqual(s);
    expect(num(r.metrics, /^agent_shadow_agreement (\S+)$/m)).toBe(1);
    expect(num(r.metrics, /^agent_shadow_points_total (\S+)$/m)).toBe(s.points);
    expect(r.metrics).toContain('agent_shadow_model_info{name="online:default",version="3"} 1');
  }, 120_000);

  test("a shadow with 10× alarms_per_day alarms more and agrees less; the records keep the live score", async () => {
    const live = "online:default?alarms_per_day=100";
    const withShadow = await run(live, "online:default?alarms_per_day=1000", NOISE);
    const s = withShadow.status.shadow!;
    console.log(
      `shadow 10× alarms_per_day over ${s.points} points: flag rate ${s.flag_rate} vs live ${s.live_flag_rate}, alarm onsets ${s.onsets.shadow} vs ${s.onsets.live}, agreement ${s.agreement}, onset agreement ${s.onset_agreement}`,
    );
    expect(s.flag_rate!).toBeGreaterThan(2 * s.live_flag_rate!);
    expect(s.alarm_rate!).toBeGreaterThan(s.live_alarm_rate!);
    expect(s.agreement!).toBeLessThan(1);
    expect(s.onset_agreement!).toBeLessThan(1);
    expect(num(withShadow.metrics, /^agent_shadow_flag_rate\{model="shadow"\} (\S+)$/m)).toBeGreaterThan(
      num(withShadow.metrics, /^agent_shadow_flag_rate\{model="live"\} (\S+)$/m),
    );
    // the records are the live model's: the same scores as a run without a shadow
    const alone = await run(live, undefined, NOISE);
    expect(alone.status.shadow).toBeNull();
    const a = liveScores(withShadow.records, NOISE.rounds);
    const b = liveScores(alone.records, NOISE.rounds);
    expect(a.size).toBe(NOISE.series);
    for (const [k, scores] of a) expect(scores).toEqual(b.get(k)!);
    for (const rec of withShadow.records) expect(rec.doc.model.name).toBe("online:default");
  }, 180_000);
});
