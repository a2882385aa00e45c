/**
 * On-host learning simulated on nab-dev and on the recorded host trace, against `online:default`.
 *
 * A "host" sees its series stream: until the swap point (`--train` of each series, default 0.5)
 * it scores with `online:default` and keeps the history; there the learner runs once (the real
 * `runJob`: the history written by the real `HistoryStore`, a candidate trained on it, judged on
 * held-back history against `online:default`); from the swap point on the host scores with
 * - `learned`: the candidate, whatever the verdict (fresh series state: it warms up again);
 * - `gated`: the candidate only if the verdict was "better", else still `online:default` —
 *   what the agent does.
 *
 * Hosts: `per-file` (every NAB file is a host with one series: a per-series learned model) and
 * `corpus` (all NAB files are one host's series: one model over them). The learner never sees
 * a file name or category (series keys are opaque ids). The host trace is one host of 96 series
 * (`--train` of it is the idle phase and part of the first load, see the table).
 *
 *     bun scripts/learn-quality.ts [--data ../shared/data/nab-dev] [--train 0.5] [--epochs 10]
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HistoryStore } from "../core/history/store.ts";
import { readNabCorpus } from "../data/io/nab.ts";
import { type JobResult, runJob } from "../agent/learn/job.ts";
import { LEARN_DEFAULTS } from "../agent/learn/settings.ts";
import { evaluateNab, formatNabTable, type NabReport } from "../models/eval/nab/index.ts";
import { loadModel } from "../models/load.ts";
import type { ScoringModel } from "../models/model.ts";
import { hostTraceReport, readHostTrace } from "../models/online/host-trace.ts";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const dataDir = flag("data", join(import.meta.dir, "..", "..", "shared", "data", "nab-dev"));
const trainShare = Number(flag("train", "0.5"));
const epochs = Number(flag("epochs", "10"));

interface HostSeries {
  values: Float64Array;
  timestamps: Float64Array;
}

/** One host: writes the first `cut[i]` samples of its series as history, runs the learner once. */
async function learnOnHost(series: readonly HostSeries[], cut: readonly number[], minPoints: number): Promise<{ result: JobResult; model?: ScoringModel }> {
  const dir = await mkdtemp(join(tmpdir(), "learn-quality-"));
  try {
    const store = new HistoryStore({ dir: join(dir, "history"), maxBytes: 1 << 30, flushPoints: 1 << 20 });
    await store.open();
    const labels = series.map((_, i) => Object.freeze({ id: String(i) }));
    // append as rounds, series interleaved by time: what the pipeline does
    for (let i = 0; i < series.length; i++) {
      const s = series[i];
      for (let t = 0; t < cut[i]; t++) store.append([{ name: "m", labels: labels[i], value: s.values[t], timestamp: s.timestamps[t] }]);
    }
    await store.flush();
    const result = await runJob({
      target: "series",
      historyDir: join(dir, "history"),
      candidatesDir: join(dir, "candidates"),
      version: "l1",
      currentRef: "online:default",
      kind: LEARN_DEFAULTS.kind,
      epochs,
      maxSeries: LEARN_DEFAULTS.maxSeries,
      maxPointsPerSeries: LEARN_DEFAULTS.maxPointsPerSeries,
      maxRows: LEARN_DEFAULTS.maxRows,
      holdout: LEARN_DEFAULTS.holdout,
      margin: LEARN_DEFAULTS.margin,
      seed: 1,
      budget: 1,
      minPoints,
    });
    const model = result.dir ? await loadModel(result.dir) : undefined;
    return { result, model };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Scores: `online:default` before `cut`, `after` (fresh state) from `cut` on. */
async function switched(online: ScoringModel, after: ScoringModel | undefined, s: HostSeries, cut: number): Promise<Float32Array> {
  const [before] = await online.scoreSeries([s.values], [s.timestamps]);
  if (!after) return before;
  const [rest] = await after.scoreSeries([s.values.subarray(cut)], [s.timestamps.subarray(cut)]);
  const out = Float32Array.from(before);
  out.set(rest, cut);
  return out;
}

const online = await loadModel("online:default");
const corpus = await readNabCorpus(dataDir);
const files = corpus.files;
const hostSeries = files.map((f) => ({ values: f.series.values, timestamps: f.series.timestamps }));
const cuts = hostSeries.map((s) => Math.floor(s.values.length * trainShare));

const rows: { model: string; nab: NabReport }[] = [];
const nabOf = (scores: ArrayLike<number>[]): NabReport =>
  evaluateNab(
    files.map((f, i) => ({ category: f.category, timestamps: f.series.timestamps, windows: f.windows, scores: scores[i] })),
    corpus.profiles,
  );
const base = await Promise.all(hostSeries.map((s, i) => switched(online, undefined, s, cuts[i])));
rows.push({ model: "online:default", nab: nabOf(base) });

const verdicts: string[] = [];
// per-file hosts: one learned model per series
{
  const learned: Float32Array[] = [];
  const gated: Float32Array[] = [];
  let swapped = 0;
  for (let i = 0; i < files.length; i++) {
    const { result, model } = await learnOnHost([hostSeries[i]], [cuts[i]], 200);
    learned.push(await switched(online, model, hostSeries[i], cuts[i]));
    const better = result.verdict.outcome === "better";
    if (better) swapped++;
    gated.push(better ? learned[i] : base[i]);
    verdicts.push(
      `${String(i).padStart(2)} ${result.verdict.outcome.padEnd(10)} F1 ${result.candidate?.f1 ?? "-"} vs ${result.current?.f1 ?? "-"}, FA/1k ${result.candidate?.false_alarms_per_1k ?? "-"} vs ${result.current?.false_alarms_per_1k ?? "-"}`,
    );
    model?.dispose();
  }
  rows.push({ model: "learned (per-file host)", nab: nabOf(learned) });
  rows.push({ model: `gated (per-file, ${swapped}/${files.length} swapped)`, nab: nabOf(gated) });
}
// one host with every file as a series
{
  const { result, model } = await learnOnHost(hostSeries, cuts, 200);
  const learned = await Promise.all(hostSeries.map((s, i) => switched(online, model, s, cuts[i])));
  const better = result.verdict.outcome === "better";
  rows.push({ model: "learned (corpus host)", nab: nabOf(learned) });
  rows.push({ model: `gated (corpus host: ${result.verdict.outcome})`, nab: nabOf(better ? learned : base) });
  verdicts.push(`corpus host: ${result.verdict.outcome}: ${result.verdict.reason}`);
  model?.dispose();
}
console.log(`nab-dev (${files.length} files), learner swaps in at ${trainShare} of each series, epochs ${epochs}\n`);
console.log(formatNabTable(rows));
console.log(`\nverdicts (per-file host index, candidate vs online:default on held-back history with injected events):\n${verdicts.join("\n")}`);

// the host trace: one host of 96 series at 5 s; the learner runs at the end of the idle phase
const trace = readHostTrace();
const traceSeries = trace.series.map((s) => ({ values: s.values, timestamps: trace.timestamps }));
const firstOnset = Math.min(...trace.phases.map((p) => p.onset));
const tcut = trace.timestamps.findIndex((t) => t >= firstOnset);
const { result: tr, model: tmodel } = await learnOnHost(
  traceSeries,
  traceSeries.map(() => tcut),
  100,
);
console.log(
  `\nhost trace: ${trace.series.length} series, ${trace.timestamps.length} rounds at 5 s; the learner runs at round ${tcut} (end of the idle phase: ${tr.history.points} samples of history)`,
);
console.log(`verdict: ${tr.verdict.outcome}: ${tr.verdict.reason}`);
const wrap = (after: ScoringModel | undefined): ScoringModel =>
  ({
    name: after ? "learned" : online.name,
    threshold: online.threshold,
    scoreSeries: (series: readonly Float64Array[]) =>
      Promise.all(series.map((v) => switched(online, after, { values: v, timestamps: trace.timestamps }, tcut))),
  }) as unknown as ScoringModel;
/** Rounds after the swap outside every load phase (and its first minute after the end). */
const quiet = Array.from(
  trace.timestamps,
  (t, i) => i >= tcut && !trace.phases.some((p) => t >= p.onset && t <= (Number.isFinite(p.end) ? p.end : p.onset + 180_000) + 60_000),
);
const quietHours = (quiet.filter(Boolean).length * 5) / 3600;
const gatedModel = tr.verdict.outcome === "better" ? tmodel : undefined;
for (const [name, m] of [
  ["online:default", wrap(undefined)],
  ["learned", wrap(tmodel)],
  [`gated (${tr.verdict.outcome})`, wrap(gatedModel)],
] as const) {
  const r = await hostTraceReport(m, trace);
  const scores = await m.scoreSeries(traceSeries.map((s) => s.values));
  let quietAlarms = 0;
  for (const sc of scores) for (let i = 0; i < sc.length; i++) if (quiet[i] && sc[i] >= m.threshold) quietAlarms++;
  console.log(
    `${name.padEnd(24)} load onsets alarmed within 3 samples ${r.onsets.filter((o) => o.found).length}/${r.onsets.length} (${r.onsets.map((o) => `${o.phase} ${o.found ? `+${o.samples}` : "missed"}`).join(", ")}); alarms per series-hour between loads after the swap ${(quietAlarms / trace.series.length / quietHours).toFixed(2)}`,
  );
}
tmodel?.dispose();
online.dispose();
