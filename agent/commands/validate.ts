import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../args.ts";
import { formatDuration } from "../config/duration.ts";
import type { Env } from "../config/env.ts";
import { formatProblems } from "../config/problems.ts";
import { validateAll, type ValidateResult } from "../config/validate.ts";
import { runCommand } from "../errors.ts";

export { validateAll, type ValidateResult } from "../config/validate.ts";

interface ValidateArgs extends GlobalArgs {
  config: string;
}

/** What `agent validate` prints and its exit code. */
export interface ValidateReport {
  ok: boolean;
  /** Success summary (stdout). */
  stdout: string;
  /** Every problem (stderr). */
  stderr: string;
}

/**
 * Words a {@link ValidateResult}: `config OK: N sources, M sinks, model X vN (window W)` plus the
 * warm-up per source, or the full problem report.
 */
export function formatValidateReport(file: string, result: ValidateResult): ValidateReport {
  if (result.problems.length > 0 || !result.config || !result.model) {
    return { ok: false, stdout: "", stderr: `${result.unreadable ?? formatProblems(file, result.problems)}\n` };
  }
  const { config, model } = result;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const lines = [
    `config OK: ${plural(config.sources.length, "source")}, ${plural(config.sinks.length, "sink")}, ` +
      `model ${model.name} v${model.version} (window ${model.window})`,
    ...result.warmups.map((w) => {
      const source = config.sources.find((s) => s.id === w.sourceId)!;
      return `  warm-up ${w.sourceId}: ${formatDuration(w.warmupMs)} (${model.window} × ${formatDuration(source.intervalMs)}) before its first scores`;
    }),
  ];
  return { ok: true, stdout: `${lines.join("\n")}\n`, stderr: "" };
}

/**
 * Runs the whole validation of `agent validate` and words it.
 *
 * @example
 * const report = await validateReport("agent.yaml", process.env);
 */
export async function validateReport(file: string, env: Env): Promise<ValidateReport> {
  return formatValidateReport(file, await validateAll(file, env));
}

/** `agent validate --config FILE`: check the config and its model without starting anything. */
export const validateCommand: CommandModule<GlobalArgs, ValidateArgs> = {
  command: "validate",
  describe: "Check a config file and its model (every problem at once, with its path); exit 1 on problems",
  builder: (y) =>
    y
      .option("config", { type: "string", demandOption: true, describe: "Config file (YAML)" })
      .example("$0 validate --config agent.yaml", "config OK: 1 source, 2 sinks, model online:default v3 (window 32)")
      .example("KAFKA_BOOTSTRAP_SERVERS=k1:9092 $0 validate --config /etc/agent/agent.yaml", "with env-provided defaults"),
  handler: (args) =>
    runCommand("validate", args.debug, async () => {
      const report = await validateReport(args.config, process.env);
      if (report.stdout) process.stdout.write(report.stdout);
      if (report.stderr) process.stderr.write(report.stderr);
      if (!report.ok) process.exitCode = 1;
    }),
};
