import { describe, expect, test } from "bun:test";
import { createOnlineModel } from "../online/default.ts";
import { readHostTrace } from "../online/host-trace.ts";
import { trainModel } from "../train.ts";
import type { ScoringModel } from "../model.ts";
import { injectIntoTrace, type HostInjection } from "./inject.ts";
import type { HostModel } from "./model.ts";
import { traceRows } from "./trace.ts";
import { trainHostModel } from "./train.ts";

/**
 * The recorded host trace (models/online/testdata/host-trace): train the host model on the first
 * 100 idle rounds (~8 min), inject "reads without bytes" into later idle rounds — the disk at its
 * highest idle read rate while read throughput and busy time sit at their idle minimum, each
 * series inside its own idle range, a combination no idle round shows — and compare with the
 * per-series models on the same copy.
 */
const TRAIN_ROUNDS = 100;
const INJECTED = ["disk.reads_per_sec{device=vda}", "disk.read_bytes_per_sec{device=vda}", "disk.busy_fraction{device=vda}"];
const INJECTION: HostInjection = {
  set: { [INJECTED[0]]: 1, [INJECTED[1]]: 0, [INJECTED[2]]: 0 },
  from: 112,
  to: 118,
  reference: [1, 1 + TRAIN_ROUNDS],
};

function hostScores(model: HostModel, trace: ReturnType<typeof readHostTrace>, topK = 3) {
  const r = traceRows(trace);
  const d = r.names.length;
  return Array.from({ length: r.n }, (_, i) => model.score(r.rows.subarray(i * d, (i + 1) * d), topK));
}

async function perSeriesAlarms(model: ScoringModel, trace: ReturnType<typeof readHostTrace>, from: number, to: number): Promise<string[]> {
  const scores = await model.scoreSeries(
    trace.series.map((s) => s.values),
    trace.series.map(() => trace.timestamps),
  );
  const out: string[] = [];
  trace.series.forEach((s, k) => {
    for (let i = from; i < to; i++) if (scores[k][i] >= model.threshold) out.push(`${s.name}@${i}`);
  });
  return out;
}

describe("host model on the recorded host trace", async () => {
  const trace = readHostTrace();
  const rows = traceRows(trace);
  const d = rows.names.length;
  const idleEnd = trace.timestamps.findIndex((t) => t >= trace.phases[0].onset);
  // round 0 has no rates: training starts at round 1
  const model = await trainHostModel(rows.rows.subarray(d, (1 + TRAIN_ROUNDS) * d), TRAIN_ROUNDS, rows.names, { seed: 3 });
  const injected = injectIntoTrace(trace, INJECTION);

  test("the injected values stay inside each series' own idle range", () => {
    for (const name of INJECTED) {
      const s = trace.series.find((x) => x.name === name)!;
      const idle = Array.from(s.values.subarray(1, idleEnd)).filter(Number.isFinite);
      const v = injected.series.find((x) => x.name === name)!.values[INJECTION.from];
      expect(v).toBeGreaterThanOrEqual(Math.min(...idle));
      expect(v).toBeLessThanOrEqual(Math.max(...idle));
    }
  });

  test("the host model alarms on the injected rounds and names the injected metrics", () => {
    const before = hostScores(model, trace);
    const after = hostScores(model, injected);
    const hits = after.slice(INJECTION.from, INJECTION.to).filter((s) => s.score >= model.threshold);
    console.log(
      "host model on injected rounds:",
      after
        .slice(INJECTION.from, INJECTION.to)
        .map((s) => `${s.score.toFixed(3)} [${s.contributors.map((c) => `${c.name} ${c.share.toFixed(2)}`).join(", ")}]`),
    );
    // the same rounds without the injection are quiet
    expect(before.slice(INJECTION.from, INJECTION.to).every((s) => s.score < model.threshold)).toBe(true);
    expect(hits.length).toBeGreaterThanOrEqual(3);
    for (const s of hits) {
      expect(INJECTED).toContain(s.contributors[0].name);
      expect(s.contributors.filter((c) => INJECTED.includes(c.name)).length).toBeGreaterThanOrEqual(2);
    }
  });

  test("not one lucky seed: models trained with seeds 1, 2 and 4 flag the injected rounds too", async () => {
    const inj = traceRows(injected);
    for (const seed of [1, 2, 4]) {
      const m = await trainHostModel(rows.rows.subarray(d, (1 + TRAIN_ROUNDS) * d), TRAIN_ROUNDS, rows.names, { seed });
      let hits = 0;
      for (let i = INJECTION.from; i < INJECTION.to; i++) if (m.score(inj.rows.subarray(i * d, (i + 1) * d)).score >= m.threshold) hits++;
      expect(hits).toBeGreaterThanOrEqual(5);
    }
  });

  test("no per-series model alarms on the injected rounds (online:default, robust-zscore and isolation-forest bundles on the same idle rounds)", async () => {
    const online = await perSeriesAlarms(createOnlineModel("online:default"), injected, INJECTION.from, INJECTION.to);
    expect(online).toEqual([]);
    const train = {
      series: trace.series.map((s) => ({
        name: s.name,
        timestamps: trace.timestamps.subarray(0, 1 + TRAIN_ROUNDS),
        values: s.values.subarray(0, 1 + TRAIN_ROUNDS),
      })),
      anomalies: [],
    };
    for (const kind of ["robust-zscore", "isolation-forest"] as const) {
      const { model: bundle } = await trainModel(train, { kind, seed: 1, window: 16 });
      const alarms = await perSeriesAlarms(bundle, injected, INJECTION.from, INJECTION.to);
      const plain = await perSeriesAlarms(bundle, trace, INJECTION.from, INJECTION.to);
      console.log(`${kind}: ${alarms.length} alarms on injected rounds (${plain.length} on the same rounds without injection)`);
      // what the bundle flags there it flags without the injection too: the injection adds nothing it sees
      expect(alarms.filter((a) => INJECTED.some((n) => a.startsWith(`${n}@`)) && !plain.includes(a))).toEqual([]);
      bundle.dispose();
    }
  });

  test("idle rounds after training (out of sample) raise no alarm; the first load onset (cpu) is flagged within 3 rounds", () => {
    const s = hostScores(model, trace);
    const idleAlarms = s.slice(1 + TRAIN_ROUNDS, idleEnd).filter((x) => x.score >= model.threshold).length;
    const minutes = (trace.timestamps[idleEnd - 1] - trace.timestamps[1 + TRAIN_ROUNDS]) / 60_000;
    const onsets = trace.phases.map((p) => {
      const i0 = trace.timestamps.findIndex((t) => t >= p.onset);
      const k = [0, 1, 2, 3].find((dd) => s[i0 + dd].score >= model.threshold);
      // the rest after a load phase is not idle (load averages decay for minutes): say whether the round before was flagged already
      return {
        phase: p.name,
        after: k,
        flaggedBefore: s[i0 - 1].score >= model.threshold,
        top: k === undefined ? [] : s[i0 + k].contributors.map((c) => c.name),
      };
    });
    console.log(`idle out-of-sample: ${idleAlarms} alarms in ${minutes.toFixed(1)} min; onsets ${JSON.stringify(onsets)}`);
    expect(idleAlarms).toBe(0);
    expect(onsets[0]).toMatchObject({ phase: "cpu", flaggedBefore: false });
    expect(onsets[0].after).toBeDefined();
    expect(onsets[0].top).toContain("cpu.user");
  });
});
