import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../args.ts";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { readSeries } from "../../data/io/read.ts";
import { describeNotes } from "../../data/io/rows.ts";
import { loadModel } from "../../models/load.ts";
import { formatScoresCsv } from "../../models/scores-csv.ts";
import { calibrationWarning, flaggedShare } from "../../models/calibration-check.ts";
import { runCommand } from "../errors.ts";
import { withInputContext } from "./non-finite.ts";
import { success, warning } from "./output.ts";

interface ScoreArgs {
  model: string;
  input: string;
  output: string;
  "strict-time": boolean;
  debug: boolean;
}

/** `agent score`: score one series file with a bundle or an online model. */
export const scoreCommand: CommandModule<GlobalArgs, ScoreArgs> = {
  command: "score",
  describe: "Score a series CSV (timestamp,value[,label]) into timestamp,value,anomaly_score,is_anomaly",
  builder: (y) =>
    y
      .option("model", { type: "string", demandOption: true, describe: "Bundle directory or online:NAME (e.g. online:default)" })
      .option("input", { type: "string", demandOption: true, describe: "Input CSV/JSONL: timestamp,value[,label] (our generator's or NAB's layout)" })
      .option("output", { type: "string", demandOption: true, describe: "Output CSV path ('-' for stdout)" })
      .option("strict-time", {
        type: "boolean",
        default: false,
        describe: "Refuse repeated or out-of-order timestamps (default: score rows in file order and say how many)",
      })
      .example("$0 score --model online:default --input data/series/series_0001.csv --output scored.csv", "score with the online detector")
      .example("$0 score --model models/ae --input nab/cpu.csv --output -", "score a NAB file with a trained bundle to stdout"),
  handler: (args) =>
    runCommand("score", args.debug, async () => {
      const series = await readSeries(args.input, { strictTime: args["strict-time"] });
      const note = series.notes && describeNotes(args.input, series.notes);
      if (note) warning("score", note);
      const model = await loadModel(args.model);
      try {
        const [scores] = await withInputContext(
          () => model.scoreSeries([series.values], [series.timestamps]),
          [series],
          model.window,
          () => args.input,
        );
        const calibration = calibrationWarning(model, flaggedShare([scores], model.threshold));
        if (calibration) warning("score", calibration);
        const csv = formatScoresCsv(series.timestamps, series.values, scores, model.threshold);
        if (args.output === "-") {
          process.stdout.write(csv);
        } else {
          await mkdir(dirname(args.output), { recursive: true });
          await Bun.write(args.output, csv);
          const flagged = scores.filter((s) => s >= model.threshold).length;
          success(`scored ${scores.length} points of ${args.input} with ${model.name} v${model.version}: ${flagged} flagged → ${args.output}`);
        }
      } finally {
        model.dispose();
      }
    }),
};
