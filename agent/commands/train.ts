import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../args.ts";
import { readDataset } from "../../data/io/read.ts";
import { describeNotes } from "../../data/io/rows.ts";
import { DETECTOR_KINDS, type DetectorKind } from "../../models/detector.ts";
import { saveTrainedModel, trainModel, type TrainedModel } from "../../models/train.ts";
import { DEFAULT_TUNE_TRIALS, formatTrials, MAX_TUNE_TRIALS, tuneModel, TuneError } from "../../models/tune/tune.ts";
import { runCommand, UsageError } from "../errors.ts";
import { datasetFile, withInputContext } from "./non-finite.ts";
import { createProgress } from "../progress.ts";
import { AGENT_VERSION } from "../version.ts";
import { success, warning } from "./output.ts";
import { trainHost } from "./train-host.ts";

interface TrainArgs {
  data: string;
  model: DetectorKind | "host";
  out: string;
  window: number;
  epochs?: number;
  seed: number;
  name?: string;
  "model-version": string;
  "strict-time": boolean;
  tune: boolean;
  "tune-trials": number;
  debug: boolean;
  until?: string;
}

/** `agent train`: fit a detector on a dataset and write a model bundle. */
export const trainCommand: CommandModule<GlobalArgs, TrainArgs> = {
  command: "train",
  describe: "Train a detector on a dataset and write a model bundle (manifest + tfjs artifacts, sha256 of every file)",
  builder: (y) =>
    y
      .option("data", { type: "string", demandOption: true, describe: "Dataset directory (agent generate output or NAB-style CSVs)" })
      .option("model", {
        choices: [...DETECTOR_KINDS, "host"] as const,
        demandOption: true,
        describe: "Detector to train; `host`: the host model over a wide CSV (timestamp,<series…>), written as one file (scoring.host.model_file)",
      })
      .option("until", { type: "string", describe: "--model host: train on the rows before this time only (the normal part)" })
      .option("out", { type: "string", demandOption: true, describe: "Bundle directory to write (replaced atomically)" })
      .option("window", { type: "number", default: 32, describe: "Samples per window" })
      .option("epochs", { type: "number", describe: "Training epochs (neural detectors; default 10, LSTM and GRU 4)" })
      .option("seed", { type: "number", default: 1, describe: "Seed for weight init and sampling" })
      .option("strict-time", {
        type: "boolean",
        default: false,
        describe: "Refuse repeated or out-of-order timestamps (default: read rows in file order and say how many)",
      })
      .option("tune", {
        type: "boolean",
        default: false,
        describe: "Search window, hidden size, epochs and learning rate on held-out labelled series (event-F1); keep the best",
      })
      .option("tune-trials", {
        type: "number",
        default: DEFAULT_TUNE_TRIALS,
        describe: `Trials of --tune (1..${MAX_TUNE_TRIALS}; the first is the given/default settings)`,
      })
      .option("name", { type: "string", describe: "Model name in the manifest (default: the detector kind)" })
      .option("model-version", { type: "string", default: "1", describe: "Model version in the manifest" })
      .example("$0 train --data data --model autoencoder --out models/ae", "dense autoencoder bundle")
      .example("$0 train --model host --data trace.csv.gz --until 2026-12-02T11:19:19Z --out host-model.json", "host model on a trace's idle part")
      .example("$0 train --data data --model ensemble --out models/ens --window 48 --epochs 15", "ensemble with a longer window")
      .example("$0 train --data data --model vae --out models/vae --tune --tune-trials 8 --seed 3", "search 8 settings, keep the best by validation event-F1"),
  handler: (args) =>
    runCommand("train", args.debug, async () => {
      if (!Number.isInteger(args.window) || args.window < 4 || args.window > 1024) throw new UsageError("--window must be an integer in 4..1024");
      if (args.epochs !== undefined && (!Number.isInteger(args.epochs) || args.epochs < 1)) throw new UsageError("--epochs must be an integer ≥ 1");
      if (args.model === "host") return trainHost({ data: args.data, out: args.out, epochs: args.epochs, seed: args.seed, until: args.until });
      const kind = args.model;
      const dataset = await readDataset(args.data, { strictTime: args["strict-time"] });
      for (const s of dataset.series) {
        const note = s.notes && describeNotes(s.name, s.notes);
        if (note) warning("train", note);
      }
      const tuneTrials = args["tune-trials"];
      if (!Number.isInteger(tuneTrials) || tuneTrials < 1 || tuneTrials > MAX_TUNE_TRIALS)
        throw new UsageError(`--tune-trials must be an integer in 1..${MAX_TUNE_TRIALS}`);
      const progress = createProgress(args.tune ? `tune ${args.model}` : `train ${args.model}`);
      const common = {
        kind,
        window: args.window,
        epochs: args.epochs,
        seed: args.seed,
        name: args.name ?? args.model,
        version: args["model-version"],
        datasetLabel: args.data,
        agentVersion: AGENT_VERSION,
        onProgress: (f: number, s: string) => progress.update(f, s),
      };
      let trained: TrainedModel;
      try {
        trained = await withInputContext(
          async () => {
            if (!args.tune) return trainModel(dataset, common);
            try {
              const result = await tuneModel(dataset, { ...common, trials: tuneTrials });
              progress.stop();
              console.log(formatTrials(result.trials, result.bestIndex));
              return result.best;
            } catch (error) {
              if (error instanceof TuneError) throw new UsageError(error.message);
              throw error;
            }
          },
          dataset.series,
          args.window,
          (i) => datasetFile(args.data, dataset.series[i].name),
        );
      } finally {
        progress.stop();
      }
      const manifest = await saveTrainedModel(args.out, trained);
      trained.model.dispose();
      const tuned = manifest.training.tune;
      if (tuned) {
        const b = tuned.trials[tuned.best];
        success(
          `kept trial ${tuned.best + 1} of ${tuned.trials.length} (window ${b.window}, size ${b.size ?? "default"}, epochs ${b.epochs ?? "-"}, ` +
            `lr ${b.learning_rate ?? (b.epochs === undefined ? "-" : "default")}): validation event-F1 ${b.value.toFixed(3)} on ${tuned.validation}`,
          { stdoutIsData: true },
        );
      }
      success(
        `trained ${manifest.detector.kind} on ${manifest.training.windows.toLocaleString("en")} windows from ` +
          `${manifest.training.series} series in ${manifest.training.fit_seconds.toFixed(1)} s → ${args.out} ` +
          `(threshold τ=${manifest.threshold.raw.toPrecision(4)} at q=${manifest.threshold.quantile})`,
        // with --tune, stdout carries the table of trials: the summary goes beside it on stderr
        { stdoutIsData: tuned !== undefined },
      );
    }),
};
