import type { CommandModule } from "yargs";
import { join } from "node:path";
import type { GlobalArgs } from "../args.ts";
import { readDataset } from "../../data/io/read.ts";
import { nabWindowsFile, readNabCorpus, type NabCorpus } from "../../data/io/nab.ts";
import { describeNotes } from "../../data/io/rows.ts";
import type { Dataset } from "../../data/types.ts";
import { evaluateNab, formatNabTable, type NabReport } from "../../models/eval/nab/index.ts";
import { evaluate, formatComparisonTable, writeReport, type EvalResult, type SeriesEval } from "../../models/eval/index.ts";
import { loadModel } from "../../models/load.ts";
import { calibrationWarning, flaggedShare } from "../../models/calibration-check.ts";
import { runCommand, UsageError } from "../errors.ts";
import { datasetFile, withInputContext } from "./non-finite.ts";
import { success, warning } from "./output.ts";

interface EvalArgs {
  model: string[];
  data: string;
  json: boolean;
  report?: string;
  "strict-time": boolean;
  debug: boolean;
}

/** One model's evaluation as `agent eval --json` prints it. */
export interface ModelEval extends EvalResult {
  model: string;
  version: string;
  kind: string;
  fit_seconds: number | null;
  score_seconds: number;
  points_per_second: number;
  /** NAB scores (standard, reward_low_FP_rate, reward_low_FN_rate) on a NAB-layout corpus. */
  nab?: NabReport;
}

/** Reads `dir` as a NAB-layout corpus when it is one (labels from its windows), else as a dataset. */
async function readEvalData(dir: string, strictTime: boolean): Promise<{ dataset: Dataset; corpus?: NabCorpus }> {
  if (await nabWindowsFile(dir)) {
    const corpus = await readNabCorpus(dir, { strictTime });
    const series = corpus.files.map((f) => {
      const labels = new Uint8Array(f.series.values.length);
      for (const [lo, hi] of f.windows) f.series.timestamps.forEach((t, i) => (labels[i] ||= t >= lo && t <= hi ? 1 : 0));
      return { ...f.series, name: f.key.replace(/\.csv$/i, ""), labels };
    });
    return { dataset: { series, anomalies: [] }, corpus };
  }
  return { dataset: await readDataset(dir, { strictTime }) };
}

/** `agent eval`: metrics for one or more models on a labelled dataset, optional HTML report. */
export const evalCommand: CommandModule<GlobalArgs, EvalArgs> = {
  command: "eval",
  describe: "Evaluate models on a labelled dataset: point/event P/R/F1, PR-AUC, ROC-AUC, time to detect, recall per type",
  builder: (y) =>
    y
      .option("model", { type: "string", array: true, demandOption: true, describe: "Bundle dir or online:NAME; repeat to compare" })
      .option("data", { type: "string", demandOption: true, describe: "Dataset directory (agent generate output or NAB-style CSVs)" })
      .option("json", { type: "boolean", default: false, describe: "Print JSON (one object; {models:[...]} for several)" })
      .option("report", { type: "string", describe: "Write a self-contained HTML report with plots" })
      .option("strict-time", {
        type: "boolean",
        default: false,
        describe: "Refuse repeated or out-of-order timestamps (default: score rows in file order and say how many)",
      })
      .example("$0 eval --model models/ae --data data --report report.html", "evaluate a bundle and write a report")
      .example("$0 eval --model models/ae --model online:default --model models/rz --data data", "comparison table")
      .example("$0 eval --model online:default --data data --json", "machine-readable metrics")
      .example(
        "$0 eval --model online:default --model online:window --data ../shared/data/nab-dev",
        "NAB scores (standard, low FP, low FN) and a per-category table on a NAB-layout corpus",
      ),
  handler: (args) =>
    runCommand("eval", args.debug, async () => {
      if (args.model.length === 0) throw new UsageError("give at least one --model");
      const { dataset, corpus } = await readEvalData(args.data, args["strict-time"]);
      for (const s of dataset.series) {
        const note = s.notes && describeNotes(s.name, s.notes);
        if (note) warning("eval", note);
      }
      const unlabelled = dataset.series.filter((s) => !s.labels).map((s) => s.name);
      if (unlabelled.length)
        throw new UsageError(`${args.data}: ${unlabelled.length} series have no labels (e.g. ${unlabelled[0]}); eval needs a label column or labels.json`);
      const results: { eval: ModelEval; series: SeriesEval[] }[] = [];
      for (const ref of args.model) {
        const model = await loadModel(ref);
        try {
          const started = performance.now();
          const scores = await withInputContext(
            () =>
              model.scoreSeries(
                dataset.series.map((s) => s.values),
                dataset.series.map((s) => s.timestamps),
              ),
            dataset.series,
            model.window,
            (i) => (corpus ? join(args.data, "data", `${dataset.series[i].name}.csv`) : datasetFile(args.data, dataset.series[i].name)),
          );
          const seconds = (performance.now() - started) / 1000;
          const calibration = calibrationWarning(model, flaggedShare(scores, model.threshold));
          if (calibration) warning("eval", calibration);
          const series: SeriesEval[] = dataset.series.map((s, i) => ({
            name: s.name,
            timestamps: s.timestamps,
            values: s.values,
            labels: s.labels!,
            scores: scores[i],
            threshold: model.threshold,
          }));
          const result = evaluate(series, dataset.anomalies);
          const nab = corpus
            ? evaluateNab(
                corpus.files.map((f, i) => ({ category: f.category, timestamps: f.series.timestamps, windows: f.windows, scores: scores[i] })),
                corpus.profiles,
              )
            : undefined;
          const fit = (model as { manifest?: { training: { fit_seconds: number } } }).manifest?.training.fit_seconds ?? null;
          results.push({
            series,
            eval: {
              model: model.name === ref || ref.startsWith("online:") ? model.name : `${model.name} (${ref})`,
              version: model.version,
              kind: model.kind,
              fit_seconds: fit,
              score_seconds: Math.round(seconds * 1000) / 1000,
              points_per_second: Math.round(result.counts.points / seconds),
              ...result,
              ...(nab ? { nab } : {}),
            },
          });
        } finally {
          model.dispose();
        }
      }
      const rows = results.map((r) => ({
        model: r.eval.model,
        result: r.eval,
        fitSeconds: r.eval.fit_seconds ?? undefined,
        throughput: r.eval.points_per_second,
      }));
      if (args.report) {
        const written = await writeReport(args.report, {
          title: `agent eval — ${args.data}`,
          generatedAt: new Date(),
          anomalies: dataset.anomalies,
          models: results.map((r, i) => ({ ...rows[i], series: r.series })),
        });
        success(`report: ${written.path} (${(written.bytes / 1e6).toFixed(1)} MB)`, { stdoutIsData: args.json });
      }
      if (args.json) {
        const out = results.length === 1 ? results[0].eval : { models: results.map((r) => r.eval) };
        console.log(JSON.stringify(out, null, 2));
      } else {
        console.log(formatComparisonTable(rows));
        if (corpus) console.log(`\n${formatNabTable(results.map((r) => ({ model: r.eval.model, nab: r.eval.nab! })))}`);
      }
    }),
};
