import { z } from "zod";
import { DETECTOR_KINDS } from "../detector.ts";
import { FeatureSpecSchema } from "../features/spec.ts";

/** Manifest versions this build can read. A bundle with any other version is refused by name. */
export const MANIFEST_VERSION = 1;

/** File name of the manifest inside a bundle directory. */
export const MANIFEST_FILE = "manifest.json";

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "expected a lowercase hex sha256");

/** One trial of `agent train --tune`. */
export const TuneTrialSchema = z
  .object({
    window: z.number().int().positive(),
    size: z.number().int().positive().optional(),
    epochs: z.number().int().positive().optional(),
    learning_rate: z.number().positive().optional(),
    /** The validation metric (higher is better). */
    value: z.number(),
    seconds: z.number().nonnegative(),
  })
  .strict();

/** The search `agent train --tune` ran: the metric, the validation split, every trial, the best. */
export const TuneRecordSchema = z
  .object({
    metric: z.string().max(64),
    validation: z.string().max(200),
    trials: z.array(TuneTrialSchema).min(1).max(256),
    /** Index into `trials` of the trial whose model this bundle holds. */
    best: z.number().int().nonnegative(),
  })
  .strict();

/** One file of the bundle with its checksum. */
export const BundleFileEntrySchema = z
  .object({
    path: z
      .string()
      .min(1)
      .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must be a relative path inside the bundle"),
    sha256: Sha256,
    bytes: z.number().int().nonnegative(),
  })
  .strict();

/**
 * The on-disk manifest of a model bundle (`manifest.json`), snake_case. Kept apart from the
 * runtime detector types, as tfjs-layers keeps its artifacts apart from its layers.
 */
export const ManifestSchema = z
  .object({
    format: z.literal("agent-model-bundle"),
    manifest_version: z.literal(MANIFEST_VERSION),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "letters, digits, . _ - (max 64)"),
    version: z.string().min(1).max(64),
    created_at: z.string(),
    agent_version: z.string(),
    detector: z.object({ kind: z.enum(DETECTOR_KINDS), params: z.record(z.string(), z.unknown()) }).strict(),
    window: z.number().int().positive(),
    features: FeatureSpecSchema.extend({ width: z.number().int().positive(), names: z.array(z.string()) }).strict(),
    scaler: z
      .object({
        center: z.literal("window_median"),
        scale: z.literal("ewma_abs_diff"),
        counters: z.literal("auto_rate"),
      })
      .strict(),
    threshold: z.object({ score: z.number().min(0).max(1), raw: z.number().positive(), quantile: z.number().gt(0).lte(1) }).strict(),
    training: z
      .object({
        dataset: z.string().optional(),
        series: z.number().int().nonnegative(),
        windows: z.number().int().nonnegative(),
        epochs: z.number().int().nonnegative().optional(),
        fit_seconds: z.number().nonnegative(),
        seed: z.number().int().optional(),
        /** Hidden size (or LOF's k) when not the detector's default (see `createDetector`). */
        size: z.number().int().positive().optional(),
        learning_rate: z.number().positive().optional(),
        metrics: z.record(z.string(), z.number()).default({}),
        /** What `agent train --tune` tried (the bundle holds the best trial's model). */
        tune: TuneRecordSchema.optional(),
      })
      .strict(),
    files: z.array(BundleFileEntrySchema),
  })
  .strict();

/** A parsed, validated manifest. */
export type Manifest = z.infer<typeof ManifestSchema>;
