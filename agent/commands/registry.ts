import type { Argv, CommandModule } from "yargs";
import { readFile } from "node:fs/promises";
import type { GlobalArgs } from "../args.ts";
import { parseHostPort } from "../config/net.ts";
import { runCommand, UsageError } from "../errors.ts";
import { REGISTRY_APP_DEFAULTS } from "../../core/registry/app.ts";
import { FLEET_DEFAULTS } from "../../core/registry/fleet/view.ts";
import { AB_DEFAULTS } from "../../core/registry/fleet/ab-judge.ts";
import { promoteCommand } from "./registry-promote.ts";
import { EVAL_RUNNER_DEFAULTS } from "../../core/registry/eval/runner.ts";
import { checkEvalSetDir, EVAL_SET_DEFAULTS, EvalSetError } from "../../core/registry/eval/eval-set.ts";
import { loadServerTls, REGISTRY_SERVER_DEFAULTS, startRegistryServer } from "../../core/registry/server.ts";
import { writeSigningKey } from "../../core/registry/signing/keys.ts";
import { createRegistryStore, NotARegistryError } from "../../core/registry/store/index.ts";
import { generateToken, type Role } from "../../core/registry/store/tokens.ts";
import { createLogger } from "../../core/telemetry/log.ts";
import { revokeCommand, rollbackCommand } from "./registry-identity.ts";
import { status } from "./output.ts";

interface ServeArgs extends GlobalArgs {
  "data-dir": string;
  listen: string;
  "signing-key"?: string;
  "max-bundle-mb": number;
  "publisher-token-file"?: string;
  "agent-token-file"?: string;
  "enroll-token-file"?: string;
  "legacy-agent-tokens": boolean;
  "canary-quorum": number;
  "max-agents": number;
  "max-heartbeat-interval": number;
  "canary-max-anomaly-ratio": number;
  "canary-max-alarm-ratio": number;
  "canary-max-latency-ratio": number;
  "canary-min-agents": number;
  "canary-min-points": number;
  "canary-min-seconds": number;
  eval: boolean;
  "eval-timeout": number;
  "eval-max-rss-mb": number;
  "max-eval-set-mb": number;
  "tls-cert"?: string;
  "tls-key"?: string;
}

/** The argv prefix that runs this agent again: the binary itself, or bun with the entry script. */
function selfCommand(): string[] {
  const compiled = import.meta.path.startsWith("/$bunfs/") || import.meta.path.includes("~BUN");
  return compiled ? [process.execPath] : [process.execPath, Bun.main];
}

async function tokensFrom(file: string | undefined, env: string | undefined): Promise<string[]> {
  const text = file ? await readFile(file, "utf8") : (env ?? "");
  return text.split(/[\s,]+/).filter(Boolean);
}

const serve: CommandModule<GlobalArgs, ServeArgs> = {
  command: "serve",
  describe: "Serve the model registry and fleet view (Hono on Bun; SQLite + content-addressed files in --data-dir)",
  builder: (y) =>
    y
      .option("data-dir", {
        type: "string",
        default: process.env.AGENT_REGISTRY_DATA_DIR ?? REGISTRY_SERVER_DEFAULTS.dataDir,
        describe: "Database, bundle files and bootstrap tokens ($AGENT_REGISTRY_DATA_DIR)",
      })
      .option("listen", {
        type: "string",
        default: process.env.AGENT_REGISTRY_LISTEN ?? `${REGISTRY_SERVER_DEFAULTS.hostname}:${REGISTRY_SERVER_DEFAULTS.port}`,
        describe: "HOST:PORT ($AGENT_REGISTRY_LISTEN); 0.0.0.0:8700 for a fleet",
      })
      .option("signing-key", {
        type: "string",
        default: process.env.AGENT_REGISTRY_SIGNING_KEY,
        describe: "Ed25519 PKCS#8 PEM key: sign every manifest (agent registry keygen)",
      })
      .option("max-bundle-mb", { type: "number", default: 64, describe: "Largest accepted bundle (sum of file sizes), MiB" })
      .option("publisher-token-file", { type: "string", describe: "File of publisher tokens (else $AGENT_REGISTRY_PUBLISHER_TOKEN; else one is generated)" })
      .option("agent-token-file", {
        type: "string",
        describe: "File of shared agent tokens, legacy: only with --legacy-agent-tokens (else $AGENT_REGISTRY_AGENT_TOKEN; else one is generated)",
      })
      .option("enroll-token-file", {
        type: "string",
        describe: "File of enrollment tokens agents exchange for their own credential (else $AGENT_REGISTRY_ENROLL_TOKEN; else enroll.token is generated)",
      })
      .option("legacy-agent-tokens", {
        type: "boolean",
        default: /^(1|true|yes)$/i.test(process.env.AGENT_REGISTRY_LEGACY_AGENT_TOKENS ?? ""),
        describe: "Also accept shared agent tokens (one for the whole fleet) while agents migrate to enrollment ($AGENT_REGISTRY_LEGACY_AGENT_TOKENS)",
      })
      .option("canary-quorum", {
        type: "number",
        default: REGISTRY_APP_DEFAULTS.canaryQuorum,
        describe: "Distinct agents that resolved a canary and report failures of it before the guard rolls it back",
      })
      .option("canary-max-anomaly-ratio", {
        type: "number",
        default: AB_DEFAULTS.maxAnomalyRatio,
        describe: "Roll a canary back when its anomaly rate is above this many times stable's (lower bound of the 95 % CI); 0 = off",
      })
      .option("canary-max-alarm-ratio", {
        type: "number",
        default: AB_DEFAULTS.maxAlarmRatio,
        describe: "Same for the alarm rate (anomaly events opened per series-hour); 0 = off",
      })
      .option("canary-max-latency-ratio", {
        type: "number",
        default: AB_DEFAULTS.maxLatencyRatio,
        describe: "Same for the mean p99 scoring latency; 0 = off",
      })
      .option("canary-min-agents", {
        type: "number",
        default: AB_DEFAULTS.minAgents,
        describe: "Agents per arm (canary, stable) before any verdict by numbers",
      })
      .option("canary-min-points", { type: "number", default: AB_DEFAULTS.minPoints, describe: "Scored points per arm before any verdict by numbers" })
      .option("canary-min-seconds", {
        type: "number",
        default: AB_DEFAULTS.minSeconds,
        describe: "Seconds since the canary was set before any verdict by numbers",
      })
      .option("eval", {
        type: "boolean",
        default: true,
        describe: "Evaluate each new version of a model with an evaluation set (agent eval in a child process); --no-eval: gated channels need an override",
      })
      .option("eval-timeout", { type: "number", default: EVAL_RUNNER_DEFAULTS.timeoutMs / 1000, describe: "Kill an evaluation running longer, seconds" })
      .option("eval-max-rss-mb", { type: "number", default: EVAL_RUNNER_DEFAULTS.maxRssMb, describe: "Kill an evaluation using more resident memory, MiB" })
      .option("max-eval-set-mb", {
        type: "number",
        default: REGISTRY_APP_DEFAULTS.maxEvalSetBytes / 1024 / 1024,
        describe: "Largest evaluation-set upload, MiB",
      })
      .option("max-agents", {
        type: "number",
        default: FLEET_DEFAULTS.maxAgents,
        describe: "Most agents the fleet keeps (a newcomer evicts a stale entry, else gets 429)",
      })
      .option("max-heartbeat-interval", {
        type: "number",
        default: FLEET_DEFAULTS.maxIntervalS,
        describe: "Largest heartbeat interval an agent may claim, seconds (longer claims are clamped)",
      })
      .option("tls-cert", {
        type: "string",
        default: process.env.AGENT_REGISTRY_TLS_CERT,
        describe: "Serve HTTPS with this PEM certificate (chain) ($AGENT_REGISTRY_TLS_CERT); needs --tls-key",
      })
      .option("tls-key", {
        type: "string",
        default: process.env.AGENT_REGISTRY_TLS_KEY,
        describe: "Unencrypted PEM private key of --tls-cert ($AGENT_REGISTRY_TLS_KEY)",
      })
      .example("$0 registry serve", "zero configuration: ./registry-data, 127.0.0.1:8700, tokens generated on first start")
      .example(
        "$0 registry serve --listen 0.0.0.0:8700 --data-dir /var/lib/agent-registry --signing-key /etc/agent/registry.key",
        "for a fleet, signing manifests",
      )
      .example(
        "$0 registry serve --listen 0.0.0.0:8700 --tls-cert /etc/agent/registry.crt --tls-key /etc/agent/registry.key",
        "over HTTPS (agents set model.registry.ca)",
      ),
  handler: (args) =>
    runCommand("registry serve", args.debug, async () => {
      const hp = parseHostPort(args.listen);
      if (!hp) throw new UsageError(`--listen ${JSON.stringify(args.listen)}: expected HOST:PORT`);
      if (!(args["max-bundle-mb"] > 0)) throw new UsageError("--max-bundle-mb must be positive");
      for (const k of ["canary-quorum", "max-agents", "max-heartbeat-interval", "canary-min-agents"] as const) {
        if (!(Number.isInteger(args[k]) && args[k] >= 1)) throw new UsageError(`--${k} must be a positive integer`);
      }
      for (const k of ["eval-timeout", "eval-max-rss-mb", "max-eval-set-mb"] as const) {
        if (!(Number.isFinite(args[k]) && args[k] > 0)) throw new UsageError(`--${k} must be a positive number`);
      }
      for (const k of ["canary-max-anomaly-ratio", "canary-max-alarm-ratio", "canary-max-latency-ratio", "canary-min-points", "canary-min-seconds"] as const) {
        if (!(Number.isFinite(args[k]) && args[k] >= 0)) throw new UsageError(`--${k} must be a number ≥ 0`);
      }
      for (const k of ["canary-max-anomaly-ratio", "canary-max-alarm-ratio", "canary-max-latency-ratio"] as const) {
        if (args[k] > 0 && args[k] <= 1) throw new UsageError(`--${k} must be above 1 (a canary no worse than stable is never rolled back) or 0 (off)`);
      }
      if ((args["tls-cert"] === undefined) !== (args["tls-key"] === undefined))
        throw new UsageError("--tls-cert and --tls-key go together (a certificate and its key)");
      const tls = args["tls-cert"] && args["tls-key"] ? { certFile: args["tls-cert"], keyFile: args["tls-key"] } : undefined;
      if (tls) {
        try {
          const t = loadServerTls(tls);
          status(`agent registry: TLS certificate ${tls.certFile}, valid until ${t.notAfter}`);
        } catch (error) {
          throw new UsageError(`--tls-cert/--tls-key: ${(error as Error).message}`);
        }
      }
      const log = createLogger();
      const reg = await startRegistryServer({
        dataDir: args["data-dir"],
        hostname: hp.host,
        port: hp.port,
        publisherTokens: await tokensFrom(args["publisher-token-file"], process.env.AGENT_REGISTRY_PUBLISHER_TOKEN),
        agentTokens: await tokensFrom(args["agent-token-file"], process.env.AGENT_REGISTRY_AGENT_TOKEN),
        enrollTokens: await tokensFrom(args["enroll-token-file"], process.env.AGENT_REGISTRY_ENROLL_TOKEN),
        legacyAgentTokens: args["legacy-agent-tokens"],
        signingKeyPem: args["signing-key"] ? await readFile(args["signing-key"], "utf8") : undefined,
        maxBundleBytes: Math.round(args["max-bundle-mb"] * 1024 * 1024),
        canaryQuorum: args["canary-quorum"],
        ab: {
          maxAnomalyRatio: args["canary-max-anomaly-ratio"],
          maxAlarmRatio: args["canary-max-alarm-ratio"],
          maxLatencyRatio: args["canary-max-latency-ratio"],
          minAgents: args["canary-min-agents"],
          minPoints: args["canary-min-points"],
          minSeconds: args["canary-min-seconds"],
        },
        evalCommand: args.eval ? selfCommand() : undefined,
        evalTimeoutMs: Math.round(args["eval-timeout"] * 1000),
        evalMaxRssMb: args["eval-max-rss-mb"],
        maxEvalSetBytes: Math.round(args["max-eval-set-mb"] * 1024 * 1024),
        fleet: { maxAgents: args["max-agents"], maxIntervalS: args["max-heartbeat-interval"] },
        tls,
        log,
      });
      status(`agent registry: serving ${reg.url} (data ${args["data-dir"]}; API ${reg.url}/openapi.json; fleet ${reg.url}/fleet)`);
      for (const t of reg.tokens) {
        if (t.source === "created") status(`agent registry: created ${t.role === "enroll" ? "an enrollment" : `a ${t.role}`} token in ${t.path} (mode 0600)`);
        else if (t.source === "existing" && t.path) status(`agent registry: ${t.role} token in ${t.path}`);
        else if (t.source === "config") status(`agent registry: ${t.role} tokens from configuration`);
      }
      status(
        `agent registry: canary guard quorum ${args["canary-quorum"]} agent(s); by numbers: anomaly ×${args["canary-max-anomaly-ratio"] || "off"}, alarms ×${args["canary-max-alarm-ratio"] || "off"}, latency ×${args["canary-max-latency-ratio"] || "off"} after ${args["canary-min-agents"]} agents, ${args["canary-min-points"]} points and ${args["canary-min-seconds"]} s per arm; fleet of at most ${args["max-agents"]} agents, heartbeat interval ≤ ${args["max-heartbeat-interval"]} s`,
      );
      if (reg.signer) status(`agent registry: signing manifests with Ed25519 key ${reg.signer.keyId} (legacy; prefer push-model --sign-key)`);
      status(
        args["legacy-agent-tokens"]
          ? "agent registry: shared agent tokens accepted (--legacy-agent-tokens); enrolled agents' own credentials too"
          : "agent registry: agents authenticate with their own credential (POST /v1/enroll with the enrollment token); shared agent tokens refused",
      );
      await new Promise<void>((resolve) => {
        const stop = () => void reg.stop().then(resolve);
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
      });
    }),
};

const keygen: CommandModule<GlobalArgs, GlobalArgs & { out: string }> = {
  command: "keygen",
  describe: "Generate an Ed25519 signing key (PKCS#8 PEM, 0600) and its public key (<out>.pub)",
  builder: (y) =>
    y
      .option("out", { type: "string", default: "registry-signing.key", describe: "Private key file (refuses to overwrite)" })
      .example("$0 registry keygen --out /etc/agent/registry.key", "then: registry serve --signing-key /etc/agent/registry.key; give agents the .pub"),
  handler: (args) =>
    runCommand("registry keygen", args.debug, async () => {
      const k = await writeSigningKey(args.out).catch((e: NodeJS.ErrnoException) => {
        throw e.code === "EEXIST" ? new UsageError(`${args.out} exists; not overwriting a key`) : e;
      });
      console.log(`wrote ${args.out} (private, 0600) and ${k.publicKeyPath} (public); key id ${k.keyId}`);
    }),
};

const token: CommandModule<GlobalArgs, GlobalArgs & { role: string; "data-dir": string; label: string; init: boolean }> = {
  command: "token",
  describe: "Create another publisher or agent token (stored hashed; printed once)",
  builder: (y) =>
    y
      .option("role", { choices: ["publisher", "enroll", "agent"], demandOption: true, describe: "What the token may do (agent: shared, legacy)" })
      .option("data-dir", {
        type: "string",
        default: process.env.AGENT_REGISTRY_DATA_DIR ?? REGISTRY_SERVER_DEFAULTS.dataDir,
        describe: "The registry's data directory",
      })
      .option("label", { type: "string", default: "cli", describe: "Note stored with the token's hash" })
      .option("init", { type: "boolean", default: false, describe: "Create the registry data directory if it holds none (else a typo is refused)" })
      .example("$0 registry token --role agent --label rack-7", "prints a new agent token; a running registry accepts it at once"),
  handler: (args) =>
    runCommand("registry token", args.debug, async () => {
      let store;
      try {
        store = createRegistryStore({ dataDir: args["data-dir"], existing: !args.init });
      } catch (error) {
        if (error instanceof NotARegistryError)
          throw new UsageError(`--data-dir ${error.message}; check the path (registry serve creates one), or pass --init to create one here`);
        throw error;
      }
      try {
        const t = generateToken(args.role as Role);
        store.tokens.add(t, args.role as Role, args.label);
        console.log(t);
      } finally {
        store.close();
      }
    }),
};

const checkEvalSet: CommandModule<GlobalArgs, GlobalArgs & { dir: string; "max-points": number }> = {
  command: "check-eval-set <dir>",
  describe: false, // run by the registry on an uploaded evaluation set, in a child process
  builder: (y) =>
    y
      .positional("dir", { type: "string", demandOption: true, describe: "Evaluation-set directory" })
      .option("max-points", { type: "number", default: EVAL_SET_DEFAULTS.maxPoints, describe: "Most points accepted" }),
  handler: (args) =>
    runCommand("registry check-eval-set", args.debug, async () => {
      try {
        console.log(JSON.stringify({ ok: true, ...(await checkEvalSetDir(args.dir, { maxPoints: args["max-points"] })) }));
      } catch (error) {
        if (!(error instanceof EvalSetError)) throw error;
        console.log(JSON.stringify({ ok: false, reason: error.reason }));
      }
    }),
};

/** `agent registry serve|keygen|token`: the central model registry and fleet view. */
export const registryCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "registry <action>",
  describe: "Model registry: serve it (models, channels, fleet), make a signing key or a token, promote a version",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(serve)
      .command(keygen)
      .command(token)
      .command(revokeCommand)
      .command(rollbackCommand)
      .command(promoteCommand)
      .command(checkEvalSet)
      .demandCommand(1, "Name a registry command: serve, keygen, token, revoke, rollback or promote.")
      .example("$0 registry serve --listen 0.0.0.0:8700", "serve the registry"),
  handler: () => {},
};
