/**
 * Config schema of `model.registry:` — where the model updater pulls models from and sends
 * heartbeats to. snake_case as written in YAML; `toRuntimeConfig` makes it camelCase.
 */
import { z } from "zod";
import { CHANNELS } from "../../models/registry-protocol/protocol.ts";
import { ByteSize, Duration, HttpUrl, Id } from "../../core/config/fields.ts";
import { FilePath } from "../../core/config/tls.ts";

/** Named defaults of the registry settings. */
export const REGISTRY_DEFAULTS = {
  channel: "stable",
  poll_interval: "30s",
  heartbeat_interval: "10s",
  token_env: "AGENT_REGISTRY_TOKEN",
  max_bundle_size: "64MiB",
} as const;

/**
 * `model.registry:` — follow a model on a registry channel. The `online`/`bundle` key next to it
 * (default `online: default`) is what runs until the first registry model is accepted.
 *
 * @example
 * model:
 *   registry: { url: "http://registry:8700", name: host-ae, channel: stable, token: "${AGENT_REGISTRY_TOKEN}" }
 */
export const RegistrySectionSchema = z
  .object({
    /** Base URL of `agent registry serve`. */
    url: HttpUrl,
    /** The model to follow (as published with `agent push-model --name`). */
    name: Id,
    /** `stable` (default; a hash-chosen share of agents gets a live canary) or `canary` (always the canary). */
    channel: z.enum(CHANNELS).default(REGISTRY_DEFAULTS.channel),
    /**
     * A shared agent token (legacy: the registry must run with `--legacy-agent-tokens`). Default:
     * `$AGENT_REGISTRY_TOKEN`. Not needed with `enroll_token_file`/`enroll_token`.
     */
    token: z.string().min(1).optional(),
    /**
     * File holding the operator's enrollment token (`<registry data dir>/enroll.token`): the agent
     * enrolls once (`POST /v1/enroll`) and keeps its own credential in `<data_dir>/registry/credential.json` (0600).
     */
    enroll_token_file: z.string().min(1).optional(),
    /** The enrollment token inline (prefer `enroll_token_file`, or `"${AGENT_REGISTRY_ENROLL_TOKEN}"`). */
    enroll_token: z.string().min(1).optional(),
    /** File holding the agent token (mode 0600); wins over `token`. */
    token_file: FilePath.optional(),
    /** PEM file of the CA that signed the registry's HTTPS certificate (default: the system's CAs). */
    ca: FilePath.optional(),
    /** Ed25519 public key file of a registry that signs (legacy; prefer `publisher_keys`): unsigned or badly signed bundles are refused. */
    public_key: z.string().min(1).optional(),
    /**
     * Publisher public keys (SPKI PEM files, or base64 of the key): bundles must carry a valid
     * publisher signature by one of them (several: key rotation), and going back to an older
     * version needs a publisher-signed rollback statement.
     */
    publisher_keys: z.array(z.string().min(1).max(4096)).min(1).max(16).optional(),
    /** Time between resolve polls (±20 % jitter). */
    poll_interval: Duration.default(REGISTRY_DEFAULTS.poll_interval),
    /** Time between heartbeats to the registry. */
    heartbeat_interval: Duration.default(REGISTRY_DEFAULTS.heartbeat_interval),
    /** Largest model bundle downloaded (sum of its files); the download is streamed and cut at it. */
    max_bundle_size: ByteSize.default(REGISTRY_DEFAULTS.max_bundle_size),
    /** Timeout of one registry request, body included (default: the larger of 30 s and poll_interval). */
    request_timeout: Duration.optional(),
  })
  .strict()
  .superRefine(
    (r, ctx) => {
      if (r.token === undefined && r.token_file === undefined && r.enroll_token === undefined && r.enroll_token_file === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["token"],
          message:
            "no credential: set enroll_token_file (the registry's enroll.token), enroll_token, or token / token_file (legacy; or set AGENT_REGISTRY_TOKEN)",
        });
      }
    },
    // Reported together with the section's other problems (not only once they are fixed).
    { when: (p) => p.value !== null && typeof p.value === "object" },
  );

/** A parsed `model.registry:` section. */
export type RegistrySectionFile = z.infer<typeof RegistrySectionSchema>;
