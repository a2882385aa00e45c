import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../args.ts";

/** A command of the binary: its name and summary (for `agent --help`) and a lazy loader. */
export interface CommandEntry {
  name: string;
  describe: string;
  // biome-ignore lint/suspicious/noExplicitAny: each command has its own argument type; yargs erases it here
  load: () => Promise<CommandModule<GlobalArgs, any>>;
}

/**
 * Every command. Only the invoked command's module is imported, so `agent run` does not pay
 * for tfjs or the Kafka client when it does not use them (startup time is a product goal).
 */
export const COMMANDS: CommandEntry[] = [
  {
    name: "run",
    describe: "Run the agent: collect, score locally, ship to Kafka/Elasticsearch/files; local HTTP API",
    load: async () => (await import("./run.ts")).runCommand_,
  },
  {
    name: "validate",
    describe: "Check a config file and its model (every problem at once, with its path)",
    load: async () => (await import("./validate.ts")).validateCommand,
  },
  { name: "config", describe: "Print the config JSON Schema or an annotated example", load: async () => (await import("./config.ts")).configCommand },
  {
    name: "ingest",
    describe: "Kafka → Elasticsearch/OpenSearch consumer group (offsets committed after the bulk)",
    load: async () => (await import("./ingest.ts")).ingestCommand,
  },
  {
    name: "generate",
    describe: "Generate synthetic labelled time series (CSV/JSONL + NAB labels.json + metadata.json)",
    load: async () => (await import("./generate.ts")).generateCommand,
  },
  { name: "train", describe: "Train a detector on a dataset and write a model bundle", load: async () => (await import("./train.ts")).trainCommand },
  { name: "score", describe: "Score a series CSV into timestamp,value,anomaly_score,is_anomaly", load: async () => (await import("./score.ts")).scoreCommand },
  {
    name: "eval",
    describe: "Evaluate models on a labelled dataset (P/R/F1, event-F1, PR-AUC, ROC-AUC, time to detect)",
    load: async () => (await import("./eval.ts")).evalCommand,
  },
  { name: "registry", describe: "Model registry: serve it, make a signing key or a token", load: async () => (await import("./registry.ts")).registryCommand },
  {
    name: "push-model",
    describe: "Publish a model bundle to a registry, optionally onto a channel",
    load: async () => (await import("./push-model.ts")).pushModelCommand,
  },
  { name: "fleet", describe: "Show a registry's fleet as a terminal table", load: async () => (await import("./fleet.ts")).fleetCommand },
  {
    name: "doctor",
    describe: "Check the runtime: one JSON object (version, tfjs_backend, simd); exit 1 if WASM cannot start",
    load: async () => (await import("./doctor.ts")).doctorCommand,
  },
];
