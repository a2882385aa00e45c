import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../args.ts";
import { runCommand, UsageError } from "../errors.ts";
import { readFile } from "node:fs/promises";
import { packBundleDir, unpackEnvelope } from "../../models/registry-protocol/envelope.ts";
import { publisherSigner, publishPayload } from "../../models/registry-protocol/publisher.ts";
import { createRegistryClient, type RegistryClientOptions } from "../../models/registry-protocol/client.ts";
import { RegistryError } from "../../models/registry-protocol/errors.ts";
import { readEvalSetDir } from "../../models/registry-protocol/eval-set-dir.ts";
import { CHANNELS, isName, type Channel, type ChannelState, type PublishResult } from "../../models/registry-protocol/protocol.ts";

/** Options of {@link pushModel}. */
export interface PushModelOptions {
  /** Bundle directory (as `agent train --out` writes it). */
  bundle: string;
  /** Registry base URL. */
  registry: string;
  /** Publisher token. */
  token?: string;
  /** Publish under this name instead of the manifest's. */
  name?: string;
  /** Publish as this version instead of the manifest's. */
  version?: string;
  /** Point this channel at the version after publishing. */
  channel?: Channel;
  /** Rollout percentage for the channel (default 100 for stable, 10 for canary). */
  rollout?: number;
  /** PKCS#8 PEM Ed25519 private key of the publisher: the bundle is signed here, before upload. */
  signKeyPem?: string;
  /** Dataset directory uploaded as the model's labelled evaluation set (before the channel is set). */
  evalSet?: string;
  /** Put the version on a gated channel even if its evaluation is worse or missing (recorded by the registry). */
  overrideReason?: string;
  /** Seconds to wait for pending evaluations before a gated channel accepts or refuses (default 600). */
  evalWaitS?: number;
  /** Injected for tests. */
  fetch?: RegistryClientOptions["fetch"];
}

/** What {@link pushModel} did. */
export interface PushModelResult {
  published: PublishResult;
  files: number;
  bytes: number;
  channel?: ChannelState;
  /** Key id of the publisher signature made here (`--sign-key`). */
  publisherKeyId?: string;
  /** The uploaded evaluation set's digest and size, with `--eval-set`. */
  evalSet?: { digest: string; series: number; points: number; queued: string[] };
}

/** Default rollout per channel when `--rollout` is not given. */
export const DEFAULT_ROLLOUT: Record<Channel, number> = { stable: 100, canary: 10 };

/**
 * Publishes a bundle directory to a registry (files verified locally first) and optionally
 * points a channel at it. Throws `RegistryError` with the registry's reason on refusal.
 *
 * @example
 * await pushModel({ bundle: "models/ae", registry: "http://registry:8700", token, name: "host-ae", channel: "canary", rollout: 10 });
 */
export async function pushModel(o: PushModelOptions): Promise<PushModelResult> {
  if (o.name !== undefined && !isName(o.name)) throw new UsageError(`--name ${JSON.stringify(o.name)}: expected 1–64 of letters, digits, '.', '_', '-'`);
  if (o.version !== undefined && !isName(o.version))
    throw new UsageError(`--model-version ${JSON.stringify(o.version)}: expected 1–64 of letters, digits, '.', '_', '-'`);
  if (o.rollout !== undefined && !(o.rollout >= 0 && o.rollout <= 100)) throw new UsageError(`--rollout ${o.rollout}: expected a percentage 0–100`);
  if (o.rollout !== undefined && !o.channel) throw new UsageError("--rollout needs --channel");
  const envelope = await packBundleDir(o.bundle, { name: o.name, version: o.version });
  let keyId: string | undefined;
  if (o.signKeyPem !== undefined) {
    let signer;
    try {
      signer = await publisherSigner(o.signKeyPem);
    } catch (error) {
      throw new UsageError(`--sign-key: ${(error as Error).message}`);
    }
    // Signed as every party parses it: the schema's view of the manifest (name, version and every file's sha256).
    envelope.publisher_signature = await signer.sign(publishPayload(unpackEnvelope(envelope, { maxBytes: Number.MAX_SAFE_INTEGER }).manifest));
    keyId = signer.keyId;
  }
  const client = createRegistryClient({ url: o.registry, token: o.token, fetch: o.fetch, timeoutMs: 300_000 });
  const published = await client.publish(envelope);
  const files = Object.keys(envelope.files).length;
  const bytes = (envelope.manifest.files as { bytes: number }[]).reduce((n, f) => n + f.bytes, 0);
  const result: PushModelResult = { published, files, bytes, publisherKeyId: keyId };
  if (o.evalSet) {
    const s = await client.uploadEvalSet(published.model, await readEvalSetDir(o.evalSet));
    result.evalSet = { digest: s.digest, series: s.series, points: s.points, queued: s.queued };
  }
  if (o.channel) {
    const body = {
      version: published.version,
      rollout: o.rollout ?? DEFAULT_ROLLOUT[o.channel],
      ...(o.overrideReason ? { override_reason: o.overrideReason } : {}),
    };
    const deadline = Date.now() + (o.evalWaitS ?? 600) * 1000;
    for (;;) {
      try {
        result.channel = await client.setChannel(published.model, o.channel, body);
        break;
      } catch (error) {
        // a gated channel answers eval_pending until the registry has evaluated the versions it compares
        if (!(error instanceof RegistryError && error.code === "eval_pending" && Date.now() < deadline)) throw error;
        await Bun.sleep(1000);
      }
    }
  }
  return result;
}

interface PushArgs extends GlobalArgs {
  bundle: string;
  registry?: string;
  token?: string;
  name?: string;
  "model-version"?: string;
  channel?: Channel;
  rollout?: number;
  "sign-key"?: string;
  "eval-set"?: string;
  "override-reason"?: string;
  "eval-wait": number;
}

/** `agent push-model BUNDLE --registry URL`: publish a bundle, optionally onto a channel. */
export const pushModelCommand: CommandModule<GlobalArgs, PushArgs> = {
  command: "push-model <bundle>",
  describe: "Publish a model bundle to a registry (validated there: checksums, size, one trial inference) and optionally point a channel at it",
  builder: (y) =>
    y
      .positional("bundle", { type: "string", demandOption: true, describe: "Bundle directory (agent train --out)" })
      .option("registry", { type: "string", default: process.env.AGENT_REGISTRY_URL, describe: "Registry URL ($AGENT_REGISTRY_URL)" })
      .option("token", { type: "string", describe: "Publisher token (default $AGENT_REGISTRY_TOKEN)" })
      .option("name", { type: "string", describe: "Publish under this model name (default: the manifest's)" })
      .option("model-version", { type: "string", describe: "Publish as this version (default: the manifest's)" })
      .option("channel", { choices: CHANNELS, describe: "Point this channel at the version" })
      .option("rollout", { type: "number", describe: "Percentage of agents the channel reaches (default 100 stable, 10 canary)" })
      .option("sign-key", {
        type: "string",
        default: process.env.AGENT_PUBLISHER_KEY,
        describe:
          "Publisher's Ed25519 private key (PKCS#8 PEM, agent registry keygen): sign the bundle here; agents verify with publisher_keys ($AGENT_PUBLISHER_KEY)",
      })
      .option("eval-set", { type: "string", describe: "Upload this labelled dataset directory (as agent eval --data reads it) as the model's evaluation set" })
      .option("override-reason", {
        type: "string",
        describe: "Put the version on a gated channel although its evaluation is worse or missing; the registry records who, when and this reason",
      })
      .option("eval-wait", { type: "number", default: 600, describe: "Seconds to wait for the registry's evaluations before a gated channel answers" })
      .example(
        "$0 push-model models/ae --registry http://registry:8700 --eval-set data/eval --channel stable",
        "evaluate, then promote if no worse than stable",
      )
      .example("$0 push-model models/ae --registry http://registry:8700 --name host-ae --channel canary --rollout 10", "publish and start a 10% canary")
      .example(
        "AGENT_REGISTRY_TOKEN=$(cat registry-data/publisher.token) $0 push-model models/ae --registry http://127.0.0.1:8700 --channel stable",
        "token from the environment",
      ),
  handler: (args) =>
    runCommand("push-model", args.debug, async () => {
      if (!args.registry) throw new UsageError("--registry URL is required (or set AGENT_REGISTRY_URL)");
      const token = args.token ?? process.env.AGENT_REGISTRY_TOKEN;
      if (!token) throw new UsageError("no token: pass --token or set AGENT_REGISTRY_TOKEN (a publisher token)");
      const r = await pushModel({
        bundle: args.bundle,
        registry: args.registry,
        token,
        name: args.name,
        version: args["model-version"],
        channel: args.channel,
        rollout: args.rollout,
        signKeyPem: args["sign-key"] ? await readFile(args["sign-key"], "utf8") : undefined,
        evalSet: args["eval-set"],
        overrideReason: args["override-reason"],
        evalWaitS: args["eval-wait"],
      });
      const p = r.published;
      const what = p.created ? "published" : "already published (identical content)";
      const signed = [r.publisherKeyId ? `signed by publisher key ${r.publisherKeyId}` : "", p.signed ? "registry-signed" : ""].filter(Boolean).join(", ");
      console.log(`${p.model}@${p.version} ${what}: ${r.files} files, ${r.bytes} bytes, digest ${p.digest.slice(0, 12)}${signed ? `, ${signed}` : ""}`);
      if (r.evalSet)
        console.log(
          `evaluation set ${r.evalSet.digest.slice(0, 12)}: ${r.evalSet.series} series, ${r.evalSet.points} points; evaluating ${r.evalSet.queued.join(", ") || "nothing new"}`,
        );
      if (r.channel) console.log(`channel ${r.channel.channel} of ${p.model} → ${r.channel.version} at ${r.channel.rollout}%`);
    }),
};
