/**
 * Component schemas of the OpenAPI document. Request bodies are generated from the zod schemas
 * that validate them (so they cannot drift); response bodies are written out here.
 */
import { z } from "zod";
import { ManifestSchema } from "../../../models/format/manifest.ts";
import { HeartbeatSchema } from "../../../models/registry-protocol/heartbeat.ts";
import { EvalSetUploadSchema, GateSchema } from "../../../models/registry-protocol/evaluation.ts";
import { BundleEnvelopeSchema, CHANNELS, NAME_PATTERN, RollbackSchema, SetChannelSchema } from "../../../models/registry-protocol/protocol.ts";

type Json = Record<string, unknown>;

function fromZod(schema: z.ZodType): Json {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
}

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const str = { type: "string" };
const num = { type: "number" };
const int = { type: "integer" };
const nullable = (t: Json): Json => ({ anyOf: [t, { type: "null" }] });
const obj = (properties: Record<string, Json>, required = Object.keys(properties)): Json => ({ type: "object", properties, required });

const versionStats = obj({
  model: str,
  version: str,
  agents: int,
  anomaly_rate_mean: nullable(num),
  scoring_latency_ms_p99_max: nullable(num),
  load_failures: int,
  scoring_failures: int,
});

const abRate = obj({ rate: nullable(num), lower: nullable(num), upper: nullable(num), agents: int });
const abArm = obj({
  version: nullable(str),
  agents: int,
  heartbeats: int,
  points: int,
  flagged: int,
  alarms: int,
  series_hours: num,
  agent_hours: num,
  load_failures: int,
  scoring_failures: int,
  failing_agents: int,
});
const abMean = nullable(obj({ mean: num, lower: nullable(num), upper: nullable(num), agents: int }));
const abComparison = obj({
  model: str,
  since: str,
  elapsed_s: num,
  conf: num,
  min_sample: obj({ agents: int, points: int, seconds: num }),
  canary: abArm,
  stable: abArm,
  metrics: {
    type: "array",
    items: obj({
      name: { ...str, description: "anomaly_rate | alarm_rate | scoring_latency_ms_p99" },
      unit: str,
      canary: abRate,
      stable: abRate,
      ratio: nullable(obj({ ratio: num, lower: num, upper: num })),
      max_ratio: { ...nullable(num), description: "the guard's margin on the ratio's CI lower bound; null when not guarded" },
      worse: { type: "boolean" },
    }),
  },
  drift_psi: obj({ canary: abMean, stable: abMean }),
  verdict: { type: "string", enum: ["insufficient", "ok", "worse"] },
  reasons: { type: "array", items: str },
});

/** `components.schemas`. */
export const schemas: Record<string, Json> = {
  Error: obj({ error: { ...str, description: "machine code, e.g. sha256_mismatch" }, reason: { ...str, description: "human explanation" } }),
  Name: { type: "string", pattern: NAME_PATTERN.source },
  Channel: { type: "string", enum: [...CHANNELS] },
  Manifest: fromZod(ManifestSchema),
  BundleEnvelope: {
    ...fromZod(BundleEnvelopeSchema),
    description:
      "A bundle in transit: the manifest, every file base64 under its bundle path, the publisher's Ed25519 signature (agent push-model --sign-key) over {purpose, model, version, manifest}, and (legacy, a signing registry) a registry signature over the canonical manifest JSON.",
  },
  Signature: obj({ alg: { type: "string", const: "ed25519" }, key_id: str, value: { ...str, description: "base64 signature" } }),
  SetChannel: fromZod(SetChannelSchema),
  Rollback: fromZod(RollbackSchema),
  Heartbeat: fromZod(HeartbeatSchema),
  HeartbeatAck: obj({ ok: { type: "boolean", const: true }, server_time: str, interval_s: num }),
  ChannelState: obj({ model: str, channel: ref("Channel"), version: nullable(str), rollout: num, updated_at: str }),
  VersionInfo: obj({
    model: str,
    version: str,
    digest: { ...str, description: "sha256 of the canonical manifest JSON" },
    detector: str,
    bytes: int,
    published_at: str,
    signed: { type: "boolean" },
    publisher_key_id: { ...nullable(str), description: "key id of the publisher's signature, if any" },
  }),
  VersionDetail: {
    allOf: [ref("VersionInfo"), obj({ manifest: ref("Manifest"), signature: nullable(ref("Signature")) })],
  },
  ModelSummary: obj({
    name: str,
    versions: int,
    latest: nullable(str),
    channels: { type: "object", additionalProperties: obj({ version: nullable(str), rollout: num }) },
  }),
  PublishResult: obj({ model: str, version: str, digest: str, created: { type: "boolean" }, signed: { type: "boolean" } }),
  Resolution: obj({
    model: str,
    channel: ref("Channel"),
    agent_id: str,
    bucket: { ...int, description: "sha256(agent_id + '/' + model), first 4 bytes big-endian, mod 100" },
    version: str,
    digest: str,
    cohort: { type: "string", enum: ["canary", "stable", "previous"] },
    published_at: {
      ...str,
      description: "when the version was published; agents refuse one published before a version they accepted, unless rollback is true",
    },
    rollback: {
      type: "boolean",
      description:
        "the registry deliberately serves an earlier version: stable rolled back, a canary withdrawn by a rollback or the guard (until stable is set again), or the previous version beyond a partial stable rollout. Agents with publisher keys ignore it and need rollback_statement",
    },
    rollback_statement: {
      type: "object",
      description:
        "the publisher-signed statement {purpose, model, from_version, to_version, counter, issued_at} + signature of the rollback that brought a channel to this version",
    },
    bundle_url: str,
  }),
  Event: obj({
    id: int,
    at: str,
    type: {
      type: "string",
      enum: [
        "version_published",
        "channel_set",
        "channel_rollback",
        "canary_rollback",
        "eval_set_uploaded",
        "evaluation_finished",
        "gate_set",
        "promotion_override",
        "agent_enrolled",
        "agent_revoked",
      ],
    },
    model: nullable(str),
    version: nullable(str),
    channel: nullable(str),
    actor: str,
    detail: { type: "object" },
  }),
  VersionStats: versionStats,
  FleetAgent: obj({
    agent_id: str,
    status: { type: "string", enum: ["ok", "stale", "offline"] },
    last_seen: str,
    age_s: num,
    interval_s: num,
    heartbeat: ref("Heartbeat"),
  }),
  FleetView: obj({
    generated_at: str,
    counts: { ...obj({ total: int, ok: int, stale: int, offline: int }), description: "over every (filtered) agent, not just this page" },
    agents: { type: "array", items: ref("FleetAgent"), description: "one page of the filtered agents, by agent_id" },
    next_cursor: { ...nullable(str), description: "pass as ?cursor= for the next page; null on the last page" },
    limit: { ...int, description: "agents per page" },
    versions: { type: "array", items: ref("VersionStats"), description: "the 100 model versions with most agents" },
    hosts: { type: "array", items: obj({ host: str, agents: int, anomaly_rate_mean: nullable(num) }), description: "the 100 hosts with most agents" },
    omitted: obj({ versions: int, hosts: int }),
    refused: {
      type: "object",
      additionalProperties: int,
      description:
        "heartbeats refused and failure reports ignored since the registry started, by reason (invalid_heartbeat, too_large, bad_json, identity_conflict, fleet_full, failure_report_out_of_cohort)",
    },
    canaries: {
      type: "array",
      items: obj(
        {
          model: str,
          canary: obj({ version: str, rollout: num, stats: nullable(ref("VersionStats")) }),
          stable: obj({ version: nullable(str), stats: nullable(ref("VersionStats")) }),
          verdict: { type: "string", enum: ["ok", "failing", "worse", "no_data"] },
          ab: { ...nullable(ref("AbComparison")), description: "canary vs stable by numbers (rates with confidence intervals, minimum sample, verdict)" },
        },
        ["model", "canary", "stable", "verdict"],
      ),
    },
  }),
  AbComparison: abComparison,
  EvalSetUpload: fromZod(EvalSetUploadSchema),
  Gate: fromZod(GateSchema),
  GateInfo: obj({ model: str, channel: str, metric: str, tolerance: num, set_at: str, set_by: str }),
  EvalSetInfo: obj({
    model: str,
    digest: str,
    bytes: int,
    files: int,
    series: int,
    points: int,
    anomalous_points: int,
    uploaded_at: str,
    uploaded_by: str,
  }),
  Evaluation: obj({
    model: str,
    version: str,
    set_digest: str,
    status: { type: "string", enum: ["queued", "running", "done", "failed"] },
    result: { ...nullable({ type: "object" }), description: "agent eval --json metrics: precision, recall, f1, event_*, pr_auc, roc_auc, fp_per_1k, …" },
    error: nullable(str),
    duration_ms: nullable(int),
    peak_rss_mb: nullable(num),
    queued_at: str,
    started_at: nullable(str),
    finished_at: nullable(str),
  }),
  SigningKey: obj({ alg: { type: "string", const: "ed25519" }, key_id: str, public_key_pem: str }),
};
