import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../args.ts";
import { exampleConfig } from "../config/example.ts";
import { configJsonSchema } from "../config/json-schema.ts";
import { runCommand } from "../errors.ts";

/** Text `agent config schema` prints: the JSON Schema of agent.yaml, pretty-printed. */
export function configSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

const schemaCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "schema",
  describe: "Print the JSON Schema of agent.yaml (for editors: # yaml-language-server: $schema=...)",
  builder: (y) => y.example("$0 config schema > agent.schema.json", "write the schema next to agent.yaml"),
  handler: (args) =>
    runCommand("config schema", args.debug, async () => {
      process.stdout.write(configSchemaText());
    }),
};

const exampleCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "example",
  describe: "Print an annotated example agent.yaml (runs as is: synthetic source, file and stdout sinks)",
  builder: (y) => y.example("$0 config example > agent.yaml", "start a config from the annotated example"),
  handler: (args) =>
    runCommand("config example", args.debug, async () => {
      process.stdout.write(exampleConfig());
    }),
};

/** `agent config schema|example`: the config file's JSON Schema and an annotated example. */
export const configCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "config <action>",
  describe: "Config file helpers: print its JSON Schema or an annotated example",
  builder: (y) =>
    y
      .command(schemaCommand)
      .command(exampleCommand)
      .demandCommand(1, "Name an action: schema or example.")
      .example("$0 config example > agent.yaml", "annotated example config")
      .example("$0 config schema > agent.schema.json", "JSON Schema for editors"),
  handler: () => {},
};
