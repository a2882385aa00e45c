/** Config schema of the metric sources (`sources:` list), snake_case as written in YAML. */
import { z } from "zod";
import { Duration, HttpUrl, Id } from "./fields.ts";

/** Named defaults of the source settings. */
export const SOURCE_DEFAULTS = {
  synthetic: { series: 100, anomaly_ratio: 0.3, seed: 1 },
  procfs: { root: "/proc", sys_root: "/sys" },
  /** Upper bound of the default scrape timeout (the default is min(this, interval)). */
  prometheus: { max_default_timeout: "10s" },
} as const;

/** `type: synthetic` — generated series with labelled, injected anomalies. */
export const SyntheticSourceSchema = z
  .object({
    type: z.literal("synthetic"),
    id: Id,
    interval: Duration,
    series: z.number().int().min(1).max(100_000).default(SOURCE_DEFAULTS.synthetic.series),
    anomaly_ratio: z.number().min(0).max(1).default(SOURCE_DEFAULTS.synthetic.anomaly_ratio),
    seed: z.number().int().default(SOURCE_DEFAULTS.synthetic.seed),
  })
  .strict();

/** `type: procfs` — host metrics read from `/proc` and `/sys` (roots injectable for tests and containers). */
export const ProcfsSourceSchema = z
  .object({
    type: z.literal("procfs"),
    id: Id,
    interval: Duration,
    root: z.string().min(1).default(SOURCE_DEFAULTS.procfs.root),
    sys_root: z.string().min(1).default(SOURCE_DEFAULTS.procfs.sys_root),
  })
  .strict();

/** `type: prometheus` — scrapes a Prometheus text-format `/metrics` endpoint. */
export const PrometheusSourceSchema = z
  .object({
    type: z.literal("prometheus"),
    id: Id,
    url: HttpUrl,
    interval: Duration,
    /** Default: min(10s, interval). */
    timeout: Duration.optional(),
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();

/** One entry of `sources:`, chosen by `type`. */
export const SourceSchema = z.discriminatedUnion("type", [SyntheticSourceSchema, ProcfsSourceSchema, PrometheusSourceSchema]);

/** A parsed source config (snake_case). */
export type SourceConfigFile = z.infer<typeof SourceSchema>;
