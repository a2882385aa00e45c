import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../args.ts";
import { generateDataset } from "../../data/synthetic/index.ts";
import { writeDataset } from "../../data/io/write.ts";
import { runCommand, UsageError } from "../errors.ts";
import { checkGenerateFlags, MAX_POINTS } from "./generate-args.ts";
import { success } from "./output.ts";

interface GenerateArgs {
  "n-series": number;
  "n-points": number;
  "anomaly-ratio": number;
  "output-dir": string;
  seed: number;
  "interval-seconds": number;
  format: "csv" | "jsonl";
  force: boolean;
  debug: boolean;
}

/** `agent generate`: the prototype's synthetic generator, same flags, plus seed/interval/format. */
export const generateCommand: CommandModule<GlobalArgs, GenerateArgs> = {
  command: "generate",
  describe: "Generate synthetic labelled time series (CSV/JSONL + NAB labels.json + metadata.json)",
  builder: (y) =>
    y
      .option("n-series", { type: "number", default: 1000, describe: "Number of series" })
      .option("n-points", { type: "number", default: 1440, describe: "Points per series" })
      .option("anomaly-ratio", {
        type: "number",
        default: 0.3,
        describe: "Fraction of series that carry at least one injected anomaly (0..1); each such series gets 1-3",
      })
      .option("output-dir", { type: "string", default: "data", describe: "Output directory" })
      .option("seed", { type: "number", default: 42, describe: "PRNG seed; the same seed gives byte-identical output" })
      .option("interval-seconds", { type: "number", default: 60, describe: "Seconds between points" })
      .option("format", { choices: ["csv", "jsonl"] as const, default: "csv" as const, describe: "Series file format" })
      .option("force", {
        type: "boolean",
        default: false,
        describe: `Generate more than ${MAX_POINTS.toLocaleString("en")} points (series × points); free disk space is checked anyway`,
      })
      .example("$0 generate --n-series 1000 --n-points 1440 --anomaly-ratio 0.3 --output-dir data", "the prototype's default run")
      .example("$0 generate --n-series 50 --seed 7 --format jsonl --output-dir /tmp/ds", "small JSONL dataset"),
  handler: (args) =>
    runCommand("generate", args.debug, async () => {
      checkGenerateFlags({
        nSeries: args["n-series"],
        nPoints: args["n-points"],
        anomalyRatio: args["anomaly-ratio"],
        seed: args.seed,
        intervalSeconds: args["interval-seconds"],
        outputDir: args["output-dir"],
        format: args.format,
        force: args.force,
      });
      const started = performance.now();
      let ds;
      try {
        ds = generateDataset({
          nSeries: args["n-series"],
          nPoints: args["n-points"],
          anomalyRatio: args["anomaly-ratio"],
          seed: args.seed,
          intervalSeconds: args["interval-seconds"],
        });
      } catch (error) {
        if (error instanceof RangeError)
          throw new UsageError(
            error.message
              .replace(/nSeries/g, "--n-series")
              .replace(/nPoints/g, "--n-points")
              .replace(/anomalyRatio/g, "--anomaly-ratio")
              .replace(/intervalSeconds/g, "--interval-seconds")
              .replace(/\bseed\b/g, "--seed"),
          );
        throw error;
      }
      const written = await writeDataset(args["output-dir"], ds, { format: args.format, overwrite: true });
      const seconds = (performance.now() - started) / 1000;
      const points = ds.series.reduce((n, s) => n + s.values.length, 0);
      success(
        `generated ${ds.series.length} series × ${args["n-points"]} points (${points.toLocaleString("en")} points, ` +
          `${ds.anomalies.length} anomalies) into ${args["output-dir"]} in ${seconds.toFixed(2)} s ` +
          `(${(written.bytes / 1e6).toFixed(1)} MB)`,
      );
    }),
};
