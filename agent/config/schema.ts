/**
 * The config file schema (`agent run --config agent.yaml`): snake_case, strict (unknown keys are
 * rejected), defaults named. The `sources:` and `sinks:` entries are the components' own schemas
 * (core/sources/catalog.ts, core/sinks/catalog.ts). `toRuntimeConfig` (runtime.ts) turns the parsed file into the
 * camelCase {@link AgentConfig}; this folder is the only place the two spellings meet.
 */
import { z } from "zod";
import { ONLINE_MODELS } from "../../models/online/default.ts";
import { ByteSize, Duration, HostPortString, HttpUrl, Id, sizeBytes } from "../../core/config/fields.ts";
import { SinkSchema } from "../../core/sinks/catalog.ts";
import { SourceSchema } from "../../core/sources/catalog.ts";
import { RegistrySectionSchema } from "./registry-schema.ts";
import { LearnSectionSchema } from "./learn-schema.ts";

export { REGISTRY_DEFAULTS, RegistrySectionSchema, type RegistrySectionFile } from "./registry-schema.ts";

/** Named defaults of the top-level sections. */
export const CONFIG_DEFAULTS = {
  agent: { data_dir: "./var" },
  model: { online: "default" },
  scoring: { min_points: 1, close_ratio: 0.8 },
  host: { enabled: false, top_k: 5, min_rounds: 720, retrain_every: "6h", buffer_size: "16MiB" },
  drift: {
    enabled: true,
    level: 0.25,
    stride: 10,
    reference: 256,
    half_life: 256,
    score_reference: 8192,
    score_half_life: 8192,
    score_samples: 64,
    score_settle: 600,
    max_series: 20_000,
    top: 10,
  },
  server: { listen: "127.0.0.1:8686", enabled: true },
  telemetry: { push_interval: "15s", job: "agent" },
  buffer: { type: "disk", max_size: "256MiB", when_full: "block", fsync: "interval", fsync_interval: "1s", segment_size: "8MiB" },
} as const;

/** `agent:` — identity and state directory. */
export const AgentSectionSchema = z
  .object({
    /** Default: the host name. Key of every Kafka record and prefix of every document `_id`. */
    id: Id.optional(),
    /** Relative to the config file's directory. */
    data_dir: z.string().min(1).default(CONFIG_DEFAULTS.agent.data_dir),
    /** Default: the host name. */
    host_name: z.string().min(1).optional(),
  })
  .strict();

/**
 * `model:` — exactly one of `online: <name>` or `bundle: <dir>`; or `registry: {…}`, with at most
 * one of them as what runs until the first registry model is accepted (default `online: default`).
 */
export const ModelSectionSchema = z
  .object({
    online: z.enum(ONLINE_MODELS).optional(),
    /** `online: default`, `lite` or `shapes` only: false alarms per series per day at the threshold (default 0.1). */
    alarms_per_day: z.number().gt(0).lte(10_000).optional(),
    bundle: z.string().min(1).optional(),
    registry: RegistrySectionSchema.optional(),
    /**
     * A candidate scoring the same points in the shadow: `online:<name>[?alarms_per_day=N]` or a
     * bundle directory (relative to the config file). Records keep the live model's score;
     * `/status`, `/metrics` (`agent_shadow_*`) and the heartbeat report how the two compare.
     */
    shadow: z.string().min(1).max(4096).optional(),
    /** Share of the series the shadow model scores (default 1): bounds its cost (CPU and memory scale with it). */
    shadow_share: z.number().gt(0).lte(1).optional(),
    /** On-host training (agent/learn): history under `<data_dir>/history`, candidates judged and swapped in. Off when absent. */
    learn: LearnSectionSchema.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.alarms_per_day !== undefined && (m.online ?? "default") === "window") {
      ctx.addIssue({
        code: "custom",
        path: ["alarms_per_day"],
        message: `applies to "online: default", "online: lite" or "online: shapes" only, found online: ${m.online}`,
      });
    }
    if (m.shadow_share !== undefined && m.shadow === undefined) {
      ctx.addIssue({ code: "custom", path: ["shadow_share"], message: "applies to a shadow model: set model.shadow too" });
    }
    if (m.alarms_per_day !== undefined && m.bundle !== undefined) {
      ctx.addIssue({ code: "custom", path: ["alarms_per_day"], message: "applies to the online model, not to a bundle" });
    }
    const n = (m.online !== undefined ? 1 : 0) + (m.bundle !== undefined ? 1 : 0);
    if (n === 2 || (n === 0 && m.registry === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: `expected exactly one of "online: <name>", "bundle: <dir>" or "registry: {…}", found ${n === 0 ? "none" : "both online and bundle"}`,
      });
    }
  });

/**
 * `scoring.drift:` — input drift per series (its values against its first `reference` values)
 * and score drift of the model in use (its scores against its first `score_reference` sampled
 * scores; a new model version starts a new reference), as PSI (models/drift/).
 */
export const DriftSectionSchema = z
  .object({
    enabled: z.boolean().default(CONFIG_DEFAULTS.drift.enabled),
    /** PSI at which a drift starts (0.1 moderate, 0.25 significant); it ends under 0.6 × level. */
    level: z.number().gt(0).lte(10).default(CONFIG_DEFAULTS.drift.level),
    /** A series' drift takes every stride-th point of it (autocorrelated metrics need it: see core/scoring/drift.ts). */
    stride: z.number().int().min(1).max(10_000).default(CONFIG_DEFAULTS.drift.stride),
    /** Values per series in its reference period, taken every `stride` points (at 1 Hz, 256 × 10 ≈ 43 min). */
    reference: z.number().int().min(16).max(65_536).default(CONFIG_DEFAULTS.drift.reference),
    /** Half-life of a series' current distribution, in values; a drift is reported within ≈ 2 half-lives. */
    half_life: z.number().int().min(8).max(1_000_000).default(CONFIG_DEFAULTS.drift.half_life),
    /** Sampled scores in the score reference. */
    score_reference: z.number().int().min(16).max(65_536).default(CONFIG_DEFAULTS.drift.score_reference),
    /** Half-life of the score distribution, in sampled scores. */
    score_half_life: z.number().int().min(8).max(1_000_000).default(CONFIG_DEFAULTS.drift.score_half_life),
    /** Scores of one round sampled into the score distribution. */
    score_samples: z.number().int().min(1).max(100_000).default(CONFIG_DEFAULTS.drift.score_samples),
    /** Rounds a model scores before its score reference begins (its calibration settles meanwhile). */
    score_settle: z.number().int().min(0).max(1_000_000).default(CONFIG_DEFAULTS.drift.score_settle),
    /** Series tracked at most; the rest are counted (`agent_drift_series{state="untracked"}`). */
    max_series: z.number().int().min(1).max(1_000_000).default(CONFIG_DEFAULTS.drift.max_series),
    /** Most drifted series listed in /status and the heartbeat. */
    top: z.number().int().min(0).max(10).default(CONFIG_DEFAULTS.drift.top),
  })
  .strict();

/**
 * `scoring.host:` — one model over the host's whole metric vector (models/host): which rounds
 * form the vector, how many contributors an event names, when it trains, or the file to load.
 */
export const HostSectionSchema = z
  .object({
    enabled: z.boolean().default(CONFIG_DEFAULTS.host.enabled),
    /** Source ids whose rounds form the vector (default: every procfs source). */
    sources: z.array(Id).min(1).max(64).optional(),
    /** Samples of any source carrying this label (`key` or `key=value`) join the vector too. */
    label: z.string().min(1).max(200).optional(),
    /** Metrics named per host anomaly event (largest share of the reconstruction error first). */
    top_k: z.number().int().min(1).max(20).default(CONFIG_DEFAULTS.host.top_k),
    /** Rounds buffered before the first training (720 = 1 h at 5 s). */
    min_rounds: z.number().int().min(40).max(1_000_000).default(CONFIG_DEFAULTS.host.min_rounds),
    /** Retrain on the buffered rounds this often. */
    retrain_every: Duration.default(CONFIG_DEFAULTS.host.retrain_every),
    /** Memory for buffered vectors (4 bytes a value; the oldest go first). */
    buffer_size: ByteSize.default(CONFIG_DEFAULTS.host.buffer_size),
    /** A host model file (`agent train --model host`) to load instead of learning on the host. */
    model_file: z.string().min(1).max(4096).optional(),
  })
  .strict();

/** `scoring:` — hysteresis of anomaly events, drift and the host model. */
export const ScoringSectionSchema = z
  .object({
    /** Score at which an anomaly event opens. Default: the model's threshold. */
    open_threshold: z.number().gt(0).lte(1).optional(),
    /** Score under which it closes again. Default: 0.8 × open_threshold. */
    close_threshold: z.number().gt(0).lte(1).optional(),
    /** Consecutive points above open_threshold before an event opens. */
    min_points: z.number().int().min(1).default(CONFIG_DEFAULTS.scoring.min_points),
    drift: DriftSectionSchema.default({ ...CONFIG_DEFAULTS.drift }),
    host: HostSectionSchema.default({ ...CONFIG_DEFAULTS.host }),
  })
  .strict()
  .refine((s) => s.open_threshold === undefined || s.close_threshold === undefined || s.close_threshold <= s.open_threshold, {
    error: (i) => {
      const s = i.input as { open_threshold?: number; close_threshold?: number };
      return `expected close_threshold ≤ open_threshold (${s.open_threshold}), found ${s.close_threshold}`;
    },
    path: ["close_threshold"],
  });

/** `server:` — the local HTTP server (`/healthz`, `/readyz`, `/metrics`, `/status`). */
export const ServerSectionSchema = z
  .object({
    listen: HostPortString.default(CONFIG_DEFAULTS.server.listen),
    enabled: z.boolean().default(CONFIG_DEFAULTS.server.enabled),
  })
  .strict();

/** `telemetry:` — pushes the agent's own metrics to a Prometheus Pushgateway. */
export const TelemetrySectionSchema = z
  .object({
    /** Default: `PROMETHEUS_PUSHGATEWAY` when set; no push otherwise. */
    pushgateway: HttpUrl.optional(),
    push_interval: Duration.default(CONFIG_DEFAULTS.telemetry.push_interval),
    job: z.string().min(1).default(CONFIG_DEFAULTS.telemetry.job),
  })
  .strict();

/**
 * `buffer:` — where records wait for the sinks. Every sink reads the same buffer through its own
 * cursor; a record is released once every sink acknowledged it.
 */
export const BufferSectionSchema = z
  .object({
    /** `disk` (default): survives restarts and crashes, under `<data_dir>/buffer`; `memory`: lost on restart. */
    type: z.enum(["disk", "memory"]).default(CONFIG_DEFAULTS.buffer.type),
    /** Most the buffer holds; a sink that is down keeps its backlog up to this size. */
    max_size: ByteSize.default(CONFIG_DEFAULTS.buffer.max_size),
    /** When full: `block` (sources wait) or `drop_newest` (new records are dropped and counted). */
    when_full: z.enum(["block", "drop_newest"]).default(CONFIG_DEFAULTS.buffer.when_full),
    /** Disk only: `always` (every write), `interval` (every fsync_interval) or `never` (the OS decides). */
    fsync: z.enum(["always", "interval", "never"]).default(CONFIG_DEFAULTS.buffer.fsync),
    /** Disk only: period of `fsync: interval` and of cursor writes. */
    fsync_interval: Duration.default(CONFIG_DEFAULTS.buffer.fsync_interval),
    /** Disk only: size of one segment file (space is freed a segment at a time). */
    segment_size: ByteSize.default(CONFIG_DEFAULTS.buffer.segment_size),
  })
  .strict()
  .refine((b) => b.type === "memory" || sizeBytes(b.max_size) >= 2 * sizeBytes(b.segment_size), {
    error: (i) => {
      const b = i.input as { max_size: string | number; segment_size: string | number };
      return `expected max_size ≥ 2 × segment_size (${JSON.stringify(b.segment_size)}), found ${JSON.stringify(b.max_size)}`;
    },
    path: ["max_size"],
  });

/** The whole config file. */
export const ConfigFileSchema = z
  .object({
    agent: AgentSectionSchema.default({ data_dir: CONFIG_DEFAULTS.agent.data_dir }),
    sources: z.array(SourceSchema).min(1, { error: "expected at least one source" }),
    model: ModelSectionSchema.default({ ...CONFIG_DEFAULTS.model }),
    scoring: ScoringSectionSchema.default({
      min_points: CONFIG_DEFAULTS.scoring.min_points,
      drift: { ...CONFIG_DEFAULTS.drift },
      host: { ...CONFIG_DEFAULTS.host },
    }),
    sinks: z.array(SinkSchema).min(1, { error: "expected at least one sink" }),
    server: ServerSectionSchema.default({ ...CONFIG_DEFAULTS.server }),
    telemetry: TelemetrySectionSchema.default({
      push_interval: CONFIG_DEFAULTS.telemetry.push_interval,
      job: CONFIG_DEFAULTS.telemetry.job,
    }),
    buffer: BufferSectionSchema.default({ ...CONFIG_DEFAULTS.buffer }),
  })
  .strict();

/** A parsed config file: snake_case, defaults filled, durations as written. */
export type ConfigFile = z.infer<typeof ConfigFileSchema>;
