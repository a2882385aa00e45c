/**
 * `agent registry revoke <agent-id>` (an agent's own credential, on the registry's data dir or
 * through a running registry's admin route) and `agent registry rollback <model>` (a
 * publisher-signed rollback statement, signed here and posted to the registry).
 */
import { readFile } from "node:fs/promises";
import type { CommandModule } from "yargs";
import { REGISTRY_SERVER_DEFAULTS } from "../../core/registry/server.ts";
import { createRegistryStore, NotARegistryError } from "../../core/registry/store/index.ts";
import { createRegistryClient, type RegistryClientOptions } from "../../models/registry-protocol/client.ts";
import { CHANNELS, isName, type Channel, type ChannelState } from "../../models/registry-protocol/protocol.ts";
import { publisherSigner, signRollback, type SignedRollback } from "../../models/registry-protocol/publisher.ts";
import type { GlobalArgs } from "../args.ts";
import { runCommand, UsageError } from "../errors.ts";

interface RevokeArgs extends GlobalArgs {
  "agent-id": string;
  "data-dir": string;
  forget: boolean;
}

/** `agent registry revoke <agent-id>`: revoke an enrolled agent's credential (or forget it, so it may enroll again). */
export const revokeCommand: CommandModule<GlobalArgs, RevokeArgs> = {
  command: "revoke <agent-id>",
  describe: "Revoke an enrolled agent's credential (its requests get 403 at once); --forget lets the id enroll again",
  builder: (y) =>
    y
      .positional("agent-id", { type: "string", demandOption: true })
      .option("data-dir", {
        type: "string",
        default: process.env.AGENT_REGISTRY_DATA_DIR ?? REGISTRY_SERVER_DEFAULTS.dataDir,
        describe: "The registry's data directory (a running registry sees the change at once)",
      })
      .option("forget", { type: "boolean", default: false, describe: "Delete the enrollment instead, so the id may enroll again (a re-provisioned host)" })
      .example("$0 registry revoke edge-17", "edge-17's heartbeats, resolves and downloads are refused from now on"),
  handler: (args) =>
    runCommand("registry revoke", args.debug, async () => {
      if (!isName(args["agent-id"])) throw new UsageError(`agent id ${JSON.stringify(args["agent-id"])}: expected 1–64 of letters, digits, '.', '_', '-'`);
      let store;
      try {
        store = createRegistryStore({ dataDir: args["data-dir"], existing: true, fleetFlushMs: 0 });
      } catch (error) {
        if (error instanceof NotARegistryError) throw new UsageError(`--data-dir ${error.message}`);
        throw error;
      }
      try {
        if (!store.credentials.revoke(args["agent-id"], new Date().toISOString(), "cli", args.forget)) {
          throw new UsageError(`agent ${args["agent-id"]} is not enrolled on this registry`);
        }
        store.events.record({ type: "agent_revoked", model: null, version: null, actor: "cli", detail: { agent_id: args["agent-id"], forget: args.forget } });
        console.log(`agent ${args["agent-id"]} ${args.forget ? "forgotten (may enroll again)" : "revoked"}`);
      } finally {
        store.close();
      }
    }),
};

/** Options of {@link postRollback}. */
export interface RollbackOptions {
  registry: string;
  token: string;
  model: string;
  channel: Channel;
  from: string;
  to: string;
  signKeyPem: string;
  /** Default: now in ms (monotonic on the publisher's machine). */
  counter?: number;
  fetch?: RegistryClientOptions["fetch"];
}

/**
 * Signs a rollback statement `model: from → to` with the publisher's key and posts it to the
 * channel's rollback route; agents with publisher keys go back only with such a statement.
 *
 * @example
 * await postRollback({ registry, token, model: "host-ae", channel: "stable", from: "8", to: "7", signKeyPem });
 */
export async function postRollback(o: RollbackOptions): Promise<{ state: ChannelState; statement: SignedRollback }> {
  for (const [k, v] of [
    ["model", o.model],
    ["--from", o.from],
    ["--to", o.to],
  ] as const)
    if (!isName(v)) throw new UsageError(`${k} ${JSON.stringify(v)}: expected 1–64 of letters, digits, '.', '_', '-'`);
  const counter = o.counter ?? Date.now();
  if (!Number.isSafeInteger(counter) || counter < 1) throw new UsageError("--counter must be a positive integer");
  let signer;
  try {
    signer = await publisherSigner(o.signKeyPem);
  } catch (error) {
    throw new UsageError(`--sign-key: ${(error as Error).message}`);
  }
  const statement = await signRollback(signer, { model: o.model, from_version: o.from, to_version: o.to, counter });
  const client = createRegistryClient({ url: o.registry, token: o.token, fetch: o.fetch });
  const state = await client.rollback(o.model, o.channel, o.channel === "stable" ? { version: o.to, statement } : { statement });
  return { state, statement };
}

interface RollbackArgs extends GlobalArgs {
  model: string;
  channel: Channel;
  from: string;
  to: string;
  "sign-key"?: string;
  registry?: string;
  token?: string;
  counter?: number;
}

/** `agent registry rollback <model> --from V --to W --sign-key KEY`: an explicit, publisher-signed rollback. */
export const rollbackCommand: CommandModule<GlobalArgs, RollbackArgs> = {
  command: "rollback <model>",
  describe: "Roll a channel back with a publisher-signed statement (model, from, to, counter): what agents with publisher_keys require",
  builder: (y) =>
    y
      .positional("model", { type: "string", demandOption: true })
      .option("channel", {
        choices: CHANNELS,
        default: "stable" as Channel,
        describe: "stable: point it at --to; canary: withdraw it (agents return to stable --to)",
      })
      .option("from", { type: "string", demandOption: true, describe: "The version agents run now (the statement names it)" })
      .option("to", { type: "string", demandOption: true, describe: "The earlier version to go back to" })
      .option("sign-key", { type: "string", default: process.env.AGENT_PUBLISHER_KEY, describe: "Publisher's Ed25519 private key ($AGENT_PUBLISHER_KEY)" })
      .option("registry", { type: "string", default: process.env.AGENT_REGISTRY_URL, describe: "Registry URL ($AGENT_REGISTRY_URL)" })
      .option("token", { type: "string", describe: "Publisher token (default $AGENT_REGISTRY_TOKEN)" })
      .option("counter", { type: "number", describe: "Statement counter (default: now in ms); agents refuse one not above the last they accepted" })
      .example("$0 registry rollback host-ae --from 8 --to 7 --sign-key publisher.key --registry http://registry:8700", "stable back to 7"),
  handler: (args) =>
    runCommand("registry rollback", args.debug, async () => {
      if (!args.registry) throw new UsageError("--registry URL is required (or set AGENT_REGISTRY_URL)");
      if (!args["sign-key"]) throw new UsageError("--sign-key FILE is required (the publisher's private key)");
      const token = args.token ?? process.env.AGENT_REGISTRY_TOKEN;
      if (!token) throw new UsageError("no token: pass --token or set AGENT_REGISTRY_TOKEN (a publisher token)");
      const { state, statement } = await postRollback({
        registry: args.registry,
        token,
        model: args.model,
        channel: args.channel,
        from: args.from,
        to: args.to,
        counter: args.counter,
        signKeyPem: await readFile(args["sign-key"], "utf8"),
      });
      console.log(
        `${args.model}: ${args.channel} rolled back ${args.from} → ${args.to} (statement counter ${statement.statement.counter}, key ${statement.signature.key_id}); channel at ${state.version} ${state.rollout}%`,
      );
    }),
};
