#!/usr/bin/env bun
/**
 * `agent`: the single binary. Every command lives in `agent/commands/<name>.ts`.
 */
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { COMMANDS } from "./commands/index.ts";
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

const argv = glueDash(hideBin(process.argv));
// `agent completion [bash|zsh]`: yargs picks the script by $SHELL; a named shell overrides it.
if (argv[0] === "completion" && (argv[1] === "bash" || argv[1] === "zsh")) {
  process.env.SHELL = `/bin/${argv[1]}`;
  argv.splice(1, 1);
}
// The shell's completion callback (`agent --get-yargs-completions agent <words>`) names the command after the script name.
const completing = argv[0] === "--get-yargs-completions";
const invoked = (completing ? argv.slice(2) : argv).find((a) => !a.startsWith("-"));
const parser = yargs(argv)
  .scriptName("agent")
  .usage("$0 <command> [options]\n\nEdge anomaly-detection agent: collect metrics, score them locally on tfjs WASM SIMD, ship them to Kafka and Elasticsearch.")
  .option("debug", { type: "boolean", default: false, describe: "Print stack traces on errors", global: true })
  .completion("completion", "Print a shell completion script: agent completion bash >> ~/.bashrc (or zsh >> ~/.zshrc)")
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
  });
for (const c of COMMANDS) {
  // The invoked command gets its full module (options, examples, handler); the others are listed only.
  if (c.name === invoked) parser.command(await c.load());
  else parser.command(c.name, c.describe);
}
await parser.parseAsync();
