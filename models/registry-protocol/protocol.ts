/**
 * The registry wire protocol shared by the server (`core/registry/`) and its clients (the
 * updater, `agent push-model`, `agent fleet`): names, channels, the bundle transfer envelope
 * and the JSON bodies of the `/v1` API. snake_case on the wire, as in the manifest.
 */
import { z } from "zod";

/** Model names, versions and agent ids: one path segment that cannot escape a directory. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A model name, version or agent id (see {@link NAME_PATTERN}). */
export const NameSchema = z.string().regex(NAME_PATTERN, "expected 1–64 of letters, digits, '.', '_', '-', starting with a letter or digit");

/** True when `s` is a valid model name, version or agent id. */
export function isName(s: string): boolean {
  return NAME_PATTERN.test(s) && s !== "." && s !== "..";
}

/** The channels a model has. Agents follow `stable`; `canary` reaches a hash-chosen share of them. */
export const CHANNELS = ["stable", "canary"] as const;
export type Channel = (typeof CHANNELS)[number];
export const ChannelSchema = z.enum(CHANNELS);

/** `format` of the bundle transfer envelope (JSON, files base64). */
export const ENVELOPE_FORMAT = "agent-model-bundle+json";

/** Ed25519 signature over the canonical JSON of the manifest (see `signature.ts`). */
export const SignatureSchema = z
  .object({
    alg: z.literal("ed25519"),
    /** First 16 hex digits of sha256 of the raw 32-byte public key. */
    key_id: z.string().regex(/^[0-9a-f]{16}$/),
    /** Base64 of the 64-byte signature. */
    value: z.string().min(1).max(200),
  })
  .strict();
export type Signature = z.infer<typeof SignatureSchema>;

/** `purpose` of a publisher's rollback statement (see `publisher.ts`). */
export const ROLLBACK_PURPOSE = "agent-model-rollback/v1";

/** A publisher's rollback statement (without its signature): go back from one named version to another. */
export const RollbackStatementBodySchema = z
  .object({
    purpose: z.literal(ROLLBACK_PURPOSE),
    model: NameSchema,
    from_version: NameSchema,
    to_version: NameSchema,
    /** Strictly increasing per model; agents refuse one not above the last they accepted. */
    counter: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    issued_at: z
      .string()
      .max(64)
      .refine((s) => Number.isFinite(Date.parse(s)), "expected an ISO-8601 time"),
  })
  .strict();
export type RollbackStatementBody = z.infer<typeof RollbackStatementBodySchema>;

/** A signed rollback statement as it travels (rollback request body, resolve answer). */
export const SignedRollbackSchema = z.object({ statement: RollbackStatementBodySchema, signature: SignatureSchema }).strict();
export type SignedRollback = z.infer<typeof SignedRollbackSchema>;

/**
 * How a bundle travels (upload body of `POST /v1/models/{name}/versions` and body of
 * `GET …/bundle`): one JSON object, every file base64-encoded under its bundle path. No native
 * dependency, streams through any proxy, and the manifest stays readable.
 *
 * @example
 * { "format": "agent-model-bundle+json", "manifest": { …manifest.json… },
 *   "files": { "model.json": "eyJmb3Jt…", "weights.bin": "AAAA…" },
 *   "signature": { "alg": "ed25519", "key_id": "0123456789abcdef", "value": "…" } }
 */
export const BundleEnvelopeSchema = z
  .object({
    format: z.literal(ENVELOPE_FORMAT),
    manifest: z.record(z.string(), z.unknown()),
    files: z.record(z.string(), z.string()),
    signature: SignatureSchema.optional(),
    /** The publisher's signature (`agent push-model --sign-key`) over `publishPayload(manifest)`. */
    publisher_signature: SignatureSchema.optional(),
  })
  .strict();
export type BundleEnvelope = z.infer<typeof BundleEnvelopeSchema>;

/** Every error response: a stable machine code and a human reason. */
export interface ErrorBody {
  error: string;
  reason: string;
}

/** Where a channel points. `rollout` is the share (0–100) of agent buckets it reaches. */
export interface ChannelState {
  model: string;
  channel: Channel;
  /** null once nothing is published on it. */
  version: string | null;
  rollout: number;
  updated_at: string;
}

/** Body of `PUT /v1/models/{name}/channels/{channel}`. */
export const SetChannelSchema = z
  .object({
    version: NameSchema,
    rollout: z.number().min(0).max(100).default(100),
    /** Put the version on a gated channel although its evaluation is missing or worse (recorded: who, when, why). */
    override_reason: z.string().trim().min(3).max(500).optional(),
  })
  .strict();
export type SetChannel = z.input<typeof SetChannelSchema>;

/** Body of `POST /v1/models/{name}/channels/{channel}/rollback` (all optional). */
export const RollbackSchema = z
  .object({
    version: NameSchema.optional(),
    reason: z.string().max(500).optional(),
    /** A publisher-signed statement naming the versions (required by agents with publisher keys). */
    statement: SignedRollbackSchema.optional(),
  })
  .strict();
export type Rollback = z.infer<typeof RollbackSchema>;

/** A published version (without its manifest) as lists show it. */
export interface VersionInfo {
  model: string;
  version: string;
  /** sha256 of the canonical manifest JSON: the bundle's content address. */
  digest: string;
  detector: string;
  /** Sum of the bundle's file sizes. */
  bytes: number;
  published_at: string;
  signed: boolean;
  /** Key id of the publisher's signature, if the version carries one. */
  publisher_key_id?: string | null;
}

/** `GET /v1/models/{name}/versions/{version}`: the info plus the manifest as stored. */
export interface VersionDetail extends VersionInfo {
  manifest: Record<string, unknown>;
  signature: Signature | null;
  /** Its evaluation on the model's current evaluation set (eval-gated promotion), if any. */
  evaluation?: import("./evaluation.ts").Evaluation | null;
}

/** One entry of `GET /v1/models`. */
export interface ModelSummary {
  name: string;
  versions: number;
  latest: string | null;
  channels: Partial<Record<Channel, { version: string | null; rollout: number }>>;
}

/** Answer of `POST /v1/models/{name}/versions`. */
export interface PublishResult {
  model: string;
  version: string;
  digest: string;
  /** false when an identical version was already published (idempotent re-push). */
  created: boolean;
  signed: boolean;
  /** Whether the registry holds a publisher signature for this version. */
  publisher_signed?: boolean;
}

/**
 * Answer of `GET /v1/models/{name}/channels/{channel}/resolve?agent_id=…`: the version this
 * agent should run. `cohort` says why: `canary` (bucket < canary rollout), `stable`, or
 * `previous` (a stable rollout below 100 has not reached this bucket yet).
 */
export interface Resolution {
  model: string;
  channel: Channel;
  agent_id: string;
  /** sha256(agent_id + "/" + model) → first 4 bytes big-endian mod 100. */
  bucket: number;
  version: string;
  digest: string;
  cohort: "canary" | "stable" | "previous";
  /** When `version` was published: agents refuse a version published before one they accepted… */
  published_at?: string;
  /**
   * …unless this is true: the registry deliberately serves an earlier version (stable rolled
   * back, a canary withdrawn by a rollback or the guard, or a partial stable rollout's previous
   * version). Optional on the wire: registries before this flag do not send it.
   */
  rollback?: boolean;
  /**
   * The publisher-signed rollback statement that brought the channel to `version`, when it did.
   * Agents with publisher keys go back to an older version only with a valid one of these.
   */
  rollback_statement?: SignedRollback;
  /** Path (relative to the registry URL) of the bundle envelope. */
  bundle_url: string;
}

/** One recorded registry event (`GET /v1/events`). */
export interface RegistryEvent {
  id: number;
  at: string;
  type:
    | "version_published"
    | "channel_set"
    | "channel_rollback"
    | "canary_rollback"
    | "eval_set_uploaded"
    | "evaluation_finished"
    | "gate_set"
    | "promotion_override"
    | "agent_enrolled"
    | "agent_revoked";
  model: string | null;
  version: string | null;
  channel: Channel | null;
  actor: string;
  detail: Record<string, unknown>;
}
