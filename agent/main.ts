#!/usr/bin/env bun
/**
 * `agent`: the single binary. Every command lives in `agent/commands/<name>.ts`.
 */
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { doctorCommand } from "./commands/doctor.ts";
import { generateCommand } from "./commands/generate.ts";
import { trainCommand } from "./commands/train.ts";
import { scoreCommand } from "./commands/score.ts";
import { evalCommand } from "./commands/eval.ts";
import { runCommand_ } from "./commands/run.ts";
import { validateCommand } from "./commands/validate.ts";
import { configCommand } from "./commands/config.ts";
import { ingestCommand } from "./commands/ingest.ts";
import { AGENT_VERSION } from "./version.ts";

/** `--output -` means stdout; yargs would read a lone "-" as a stray positional, so glue it. */
function glueDash(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i + 1] === "-" && argv[i].startsWith("--") && !argv[i].includes("=")) {
      out.push(`${argv[i]}=-`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

await yargs(glueDash(hideBin(process.argv)))
  .scriptName("agent")
  .usage("$0 <command> [options]\n\nEdge anomaly-detection agent: collect metrics, score them locally on tfjs WASM SIMD, ship them to Kafka and Elasticsearch.")
  .option("debug", { type: "boolean", default: false, describe: "Print stack traces on errors", global: true })
  .command(runCommand_)
  .command(validateCommand)
  .command(configCommand)
  .command(ingestCommand)
  .command(generateCommand)
  .command(trainCommand)
  .command(scoreCommand)
  .command(evalCommand)
  .command(doctorCommand)
  .demandCommand(1, "Name a command; see the list above.")
  .recommendCommands()
  .strict()
  .version(AGENT_VERSION)
  .alias("h", "help")
  .wrap(Math.min(110, process.stdout.columns ?? 100))
  .epilogue("Each command has --help with an example. Docs: README.md")
  .fail((message, error) => {
    if (error) throw error;
    console.error(`agent: error: ${message}\nRun 'agent --help' (or 'agent <command> --help') for usage.`);
    process.exit(2);
  })
  .parseAsync();
