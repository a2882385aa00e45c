/**
 * Drift through the whole round: a source whose distribution changes at a known round raises
 * the drift metric past its level and emits `drift` events to the sinks (through the buffer,
 * like anomaly events), within 2 half-lives of the change; a stable source never does over the
 * same span. Rounds, not wall time, are what counts: the source's values depend on the round
 * alone, and the tests wait on conditions.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { createOnlineModel } from "../../models/online/default.ts";
import { isAnomalyEvent, isDriftEvent, type DriftOutRecord } from "../events.ts";
import { DRIFT_SETTINGS_DEFAULTS, type DriftSettings } from "../scoring/drift.ts";
import { waitFor } from "../testing/wait-for.ts";
import { Pipeline } from "./pipeline.ts";
import { MemorySink } from "./testing/memory-sink.ts";
import { ShiftingSource, type Shift } from "./testing/shifting-source.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Reference 256 values per series, half-life 128: a drift is reported within 2 half-lives (256 rounds). */
const SETTINGS: DriftSettings = {
  ...DRIFT_SETTINGS_DEFAULTS,
  stride: 1, // every point: iid test noise needs no thinning (see the stride test in core/scoring/drift.test.ts)
  reference: 256,
  halfLife: 128,
  scoreReference: 512,
  scoreHalfLife: 256,
  scoreSamples: 8,
  scoreSettle: 500,
};
const CHANGE_AT = 320;
const SERIES = 12;

function make(shift: Shift, settings: DriftSettings = SETTINGS) {
  const dir = mkdtempSync(join(tmpdir(), "pipeline-drift-"));
  dirs.push(dir);
  const sink = new MemorySink("mem");
  const source = new ShiftingSource("shifting", 1, SERIES, shift);
  const p = new Pipeline({
    agentId: "t",
    hostName: "h",
    dataDir: join(dir, "var"),
    buffer: { type: "memory", maxBytes: 64 << 20, whenFull: "block" },
    sources: [source],
    sinks: [{ id: sink.id, driver: { maxWaitMs: 10 }, create: () => sink }],
    model: createOnlineModel("online:default"),
    drift: settings,
    log: pino({ level: "silent" }),
  });
  return { p, sink, source };
}

const metric = async (p: Pipeline, re: RegExp) => {
  p.refreshGauges();
  return Number((await p.telemetry.registry.metrics()).match(re)?.[1] ?? Number.NaN);
};

describe("drift through the pipeline", () => {
  test("a level shift and a spread change on half the series: drift metric past the level and drift events, within 2 half-lives", async () => {
    const { p, sink, source } = make({ changeAt: CHANGE_AT, shift: 1, scale: 2, changed: (i) => i % 2 === 0 });
    await p.start();
    try {
      let roundAtStart = -1;
      await waitFor(
        () => {
          if (roundAtStart < 0 && sink.records.some((r) => isDriftEvent(r) && r.doc.drift.stream === "input" && r.doc.drift.state === "start"))
            roundAtStart = source.rounds;
          return sink.records.filter((r) => isDriftEvent(r) && r.doc.drift.stream === "input").length >= SERIES / 2 || source.rounds > CHANGE_AT + 600;
        },
        { timeoutMs: 60_000 },
      );
      const drifts = sink.records.filter(isDriftEvent) as DriftOutRecord[];
      const input = drifts.filter((r) => r.doc.drift.stream === "input" && r.doc.drift.state === "start");
      // exactly the changed series, each once
      expect(input.map((r) => Number(r.doc.metric.labels.series)).sort((a, b) => a - b)).toEqual([0, 2, 4, 6, 8, 10]);
      console.log(
        `drift: first input drift event ${roundAtStart - CHANGE_AT} rounds after the change, all ${SERIES / 2} changed series by ${source.rounds - CHANGE_AT} (2 half-lives = ${2 * SETTINGS.halfLife})`,
      );
      expect(roundAtStart).toBeGreaterThan(CHANGE_AT);
      expect(source.rounds - CHANGE_AT).toBeLessThanOrEqual(2 * SETTINGS.halfLife + 20); // 2 half-lives (+ rounds in flight)
      for (const r of input) {
        expect(r.doc.drift.psi).toBeGreaterThanOrEqual(SETTINGS.level);
        expect(r.doc).toMatchObject({ event: { kind: "drift" }, drift: { level: 0.25 }, model: { name: "online:default" }, host: { name: "h" } });
        expect(r.doc.agent.seq).toBeGreaterThan(0);
        expect(isAnomalyEvent(r)).toBe(false);
      }
      expect(await metric(p, /^agent_drift_series\{state="drifted"\} (\S+)$/m)).toBeGreaterThanOrEqual(SERIES / 2);
      expect(await metric(p, /^agent_drift_input_psi_max (\S+)$/m)).toBeGreaterThanOrEqual(SETTINGS.level);
      expect(await metric(p, /^agent_drift_events_total\{stream="input",state="start"\} (\S+)$/m)).toBe(SERIES / 2);
      const st = p.status();
      expect(st.drift).toMatchObject({ level: 0.25, series: SERIES, ready: SERIES });
      expect(st.drift!.drifted).toBeGreaterThanOrEqual(SERIES / 2);
      expect(st.drift!.top[0].psi).toBeGreaterThanOrEqual(0.25);
      expect(st.drift_events).toBeGreaterThanOrEqual(SERIES / 2);
      expect(p.host().facts().drift?.maxPsi).toBe(st.drift!.maxPsi);
    } finally {
      await p.stop();
    }
  }, 90_000);

  test("a stable source never drifts over the same span (change + 2 half-lives + margin)", async () => {
    const { p, sink, source } = make({ changeAt: Number.POSITIVE_INFINITY });
    await p.start();
    try {
      await waitFor(() => source.rounds > CHANGE_AT + 2 * SETTINGS.halfLife + 200, { timeoutMs: 60_000 });
      expect(sink.records.filter(isDriftEvent)).toEqual([]);
      expect(await metric(p, /^agent_drift_series\{state="drifted"\} (\S+)$/m)).toBe(0);
      expect(await metric(p, /^agent_drift_series\{state="ready"\} (\S+)$/m)).toBe(SERIES);
      const psiMax = await metric(p, /^agent_drift_input_psi_max (\S+)$/m);
      expect(psiMax).toBeGreaterThan(0);
      expect(psiMax).toBeLessThan(SETTINGS.level);
      expect(p.status().drift!.score).toMatchObject({ model: "online:default", ready: true, drifted: false }); // the score stream was compared too
      expect(await metric(p, /^agent_drift_score_psi\{model="online:default",version="[^"]+"\} (\S+)$/m)).toBeLessThan(SETTINGS.level);
    } finally {
      await p.stop();
    }
  }, 90_000);

  test("drift off: no drift state, no drift metrics set, status says null", async () => {
    const { p, source } = make({ changeAt: 5, shift: 5 }, { ...SETTINGS, enabled: false });
    await p.start();
    try {
      await waitFor(() => source.rounds > 20, { timeoutMs: 30_000 });
      expect(p.status().drift).toBeNull();
      expect(p.host().facts().drift).toBeUndefined();
      expect(Number.isNaN(await metric(p, /^agent_drift_series\{state="tracked"\} (\S+)$/m))).toBe(true);
    } finally {
      await p.stop();
    }
  }, 60_000);
});
