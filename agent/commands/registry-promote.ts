import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../args.ts";
import { runCommand, UsageError } from "../errors.ts";
import { createRegistryClient } from "../../models/registry-protocol/client.ts";
import { RegistryError } from "../../models/registry-protocol/errors.ts";
import { CHANNELS, isName, type Channel } from "../../models/registry-protocol/protocol.ts";
import { DEFAULT_ROLLOUT } from "./push-model.ts";

interface PromoteArgs extends GlobalArgs {
  registry?: string;
  token?: string;
  model: string;
  "model-version": string;
  channel: Channel;
  rollout?: number;
  "override-reason"?: string;
  "eval-wait": number;
}

/**
 * `agent registry promote`: point a channel of a remote registry at a published version. On a
 * gated channel the registry compares the version's evaluation with stable's: this waits while
 * evaluations are pending, and prints the refusal (e.g. `eval_worse` with both scores) otherwise;
 * `--override-reason` promotes anyway (recorded by the registry: who, when, why).
 */
export const promoteCommand: CommandModule<GlobalArgs, PromoteArgs> = {
  command: "promote",
  describe: "Point a channel of a registry at a published version (a gated channel checks its evaluation)",
  builder: (y) =>
    y
      .option("registry", { type: "string", default: process.env.AGENT_REGISTRY_URL, describe: "Registry URL ($AGENT_REGISTRY_URL)" })
      .option("token", { type: "string", describe: "Publisher token (default $AGENT_REGISTRY_TOKEN)" })
      .option("model", { type: "string", demandOption: true, describe: "Model name" })
      .option("model-version", { type: "string", demandOption: true, describe: "Published version to put on the channel" })
      .option("channel", { choices: CHANNELS, default: "stable" as Channel, describe: "Channel to point at it" })
      .option("rollout", { type: "number", describe: "Percentage of agents the channel reaches (default 100 stable, 10 canary)" })
      .option("override-reason", { type: "string", describe: "Promote although the evaluation is worse or missing (recorded: who, when, this reason)" })
      .option("eval-wait", { type: "number", default: 600, describe: "Seconds to wait for pending evaluations" })
      .example("$0 registry promote --registry http://registry:8700 --model host-ae --model-version 8", "canary → stable if its evaluation is no worse")
      .example(
        '$0 registry promote --model host-ae --model-version 8 --override-reason "hotfix: fewer false alarms on disk latency"',
        "promote despite a worse evaluation (recorded)",
      ),
  handler: (args) =>
    runCommand("registry promote", args.debug, async () => {
      if (!args.registry) throw new UsageError("--registry URL is required (or set AGENT_REGISTRY_URL)");
      const token = args.token ?? process.env.AGENT_REGISTRY_TOKEN;
      if (!token) throw new UsageError("no token: pass --token or set AGENT_REGISTRY_TOKEN (a publisher token)");
      for (const [flag, v] of [
        ["--model", args.model],
        ["--model-version", args["model-version"]],
      ] as const)
        if (!isName(v)) throw new UsageError(`${flag} ${JSON.stringify(v)}: expected 1–64 of letters, digits, '.', '_', '-'`);
      if (args.rollout !== undefined && !(args.rollout >= 0 && args.rollout <= 100))
        throw new UsageError(`--rollout ${args.rollout}: expected a percentage 0–100`);
      const client = createRegistryClient({ url: args.registry, token });
      const body = {
        version: args["model-version"],
        rollout: args.rollout ?? DEFAULT_ROLLOUT[args.channel],
        ...(args["override-reason"] ? { override_reason: args["override-reason"] } : {}),
      };
      const deadline = Date.now() + args["eval-wait"] * 1000;
      for (;;) {
        try {
          const s = await client.setChannel(args.model, args.channel, body);
          console.log(`channel ${s.channel} of ${s.model} → ${s.version} at ${s.rollout}%${args["override-reason"] ? " (override recorded)" : ""}`);
          return;
        } catch (error) {
          if (!(error instanceof RegistryError && error.code === "eval_pending" && Date.now() < deadline)) throw error;
          await Bun.sleep(1000);
        }
      }
    }),
};
