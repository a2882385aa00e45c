import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../args.ts";
import { DEFAULT_CONFIG_FILE, loadDefaultConfig } from "../config/default.ts";
import { formatProblems } from "../config/problems.ts";
import { validateAll } from "../config/validate.ts";
import type { AgentConfig } from "../config/types.ts";
import { parseDuration } from "../config/duration.ts";
import { AgentRuntime } from "../runtime/agent.ts";
import { stopWithin } from "../runtime/stop.ts";
import { createApp } from "../server/app.ts";
import { createLogger } from "../../core/telemetry/log.ts";
import { runCommand, UsageError } from "../errors.ts";
import type { ScoringModel } from "../../models/model.ts";

interface RunArgs extends GlobalArgs {
  config?: string;
  duration?: string;
}

/** Loads and validates the config (or the embedded default); prints every problem and returns undefined on failure. */
async function prepare(path: string | undefined): Promise<{ config: AgentConfig; model?: ScoringModel } | undefined> {
  if (!path) return { config: loadDefaultConfig(process.env) };
  const result = await validateAll(path, process.env, { keepModel: true });
  if (result.problems.length || !result.config) {
    process.stderr.write(`${result.unreadable ?? formatProblems(path, result.problems)}\n`);
    result.loaded?.dispose();
    return undefined;
  }
  return { config: result.config, model: result.loaded };
}

/** `agent run`: the edge runtime. */
export const runCommand_: CommandModule<GlobalArgs, RunArgs> = {
  command: "run",
  describe: "Run the agent: collect, score locally, ship to Kafka/Elasticsearch/files; local HTTP on /healthz /readyz /metrics /status /v1/score",
  builder: (y) =>
    y
      .option("config", {
        type: "string",
        describe: "Config file (YAML); without it the embedded default runs (synthetic source, online:default, file sink, 127.0.0.1:8686)",
      })
      .option("duration", { type: "string", describe: "Stop gracefully after this long (e.g. 30s, 10m); default: until SIGTERM/SIGINT" })
      .example("$0 run", "embedded default: synthetic data, anomalies printed as they are found, records in ./var/out.jsonl")
      .example("$0 run --config /etc/agent/agent.yaml", "production; SIGHUP reloads the config, SIGTERM flushes and exits")
      .example("$0 run --duration 30s", "a 30-second demo run"),
  handler: (args) =>
    runCommand("run", args.debug, async () => {
      const durationMs = args.duration === undefined ? undefined : parseDuration(args.duration);
      if (args.duration !== undefined && durationMs === undefined)
        throw new UsageError(`--duration ${JSON.stringify(args.duration)}: expected a duration like 30s, 10m or 1h`);
      const prepared = await prepare(args.config);
      if (!prepared) {
        process.exitCode = 1;
        return;
      }
      const log = createLogger();
      const { config } = prepared;
      const runtime = new AgentRuntime(config, log);
      await runtime.start(prepared.model);
      let server: ReturnType<typeof Bun.serve> | undefined;
      if (config.server.enabled) {
        try {
          server = Bun.serve({ hostname: config.server.host, port: config.server.port, fetch: createApp(runtime).fetch });
        } catch (error) {
          await runtime.stop();
          throw new Error(`cannot listen on ${config.server.host}:${config.server.port}: ${(error as Error).message}`);
        }
        log.info({ url: `http://${config.server.host}:${server.port}/status` }, "local HTTP API listening");
      }
      if (config.file === DEFAULT_CONFIG_FILE) {
        log.info({ data_dir: config.agent.dataDir }, "running the embedded default config (agent config example shows a full one)");
      }
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = async (why: string) => {
          if (stopping) return;
          stopping = true;
          log.info({ reason: why }, "stopping: flushing sinks");
          server?.stop(true);
          if (!(await stopWithin(() => runtime.stop(), log))) process.exitCode = 1;
          resolve();
        };
        process.on("SIGTERM", () => void stop("SIGTERM"));
        process.on("SIGINT", () => void stop("SIGINT"));
        process.on("SIGHUP", async () => {
          if (!args.config) return log.warn("SIGHUP ignored: running the embedded default config (no --config)");
          const next = await prepare(args.config);
          if (!next) return log.error({ file: args.config }, "SIGHUP: new config has problems (printed above); keeping the running one");
          next.model?.dispose();
          await runtime.reload(next.config).catch((e) => log.error({ err: String(e) }, "SIGHUP: reload failed"));
        });
        if (durationMs !== undefined) setTimeout(() => void stop(`--duration ${args.duration}`), durationMs);
      });
      // Everything is flushed and closed; don't wait for stray library timers (kafkajs, retries).
      process.exit(process.exitCode ?? 0);
    }),
};
