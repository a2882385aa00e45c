/**
 * What a sink folder exports to be configurable: a {@link SinkComponent} bundles its config
 * schema (snake_case, as written in YAML, defaults included), the conversion to its runtime
 * config (camelCase, milliseconds, absolute paths) and the factory. `catalog.ts` lists them.
 * The fields every sink has (`id`, `only`, `batch`) are declared here once.
 * @module
 */
import type { Logger } from "pino";
import type { TlsFileRef } from "../config/tls.ts";
import { z } from "zod";
import { Duration, durationMs, Id } from "../config/fields.ts";
import type { OnlyFilter } from "./shared/only.ts";
import type { Sink } from "./sink.ts";
import type { ExampleBlock } from "../config/example.ts";

/** Which records a sink receives (the driver filters; the others are acknowledged unsent). */
export const ONLY_VALUES = ["all", "points", "anomalies"] as const satisfies readonly OnlyFilter[];

/** Which records a sink receives: every scored point and anomaly event, points only, or anomaly events only. */
export const Only = z.enum(ONLY_VALUES).default("all");

/** Named batch defaults (every sink). */
export const BATCH_DEFAULTS = { max_records: 500, max_bytes: 1_000_000, max_wait: "1s" } as const;

/** Sink batching: flush when any limit is reached. */
export const Batch = z
  .object({
    /** Records per batch. */
    max_records: z.number().int().positive().default(BATCH_DEFAULTS.max_records),
    /** Serialized bytes per batch. */
    max_bytes: z.number().int().positive().default(BATCH_DEFAULTS.max_bytes),
    /** Longest a record waits before its batch is flushed. */
    max_wait: Duration.default(BATCH_DEFAULTS.max_wait),
  })
  .strict()
  .default({ ...BATCH_DEFAULTS });

/** The keys every sink schema has besides `type`: spread them into the sink's `z.object`. */
export const SINK_COMMON = { id: Id, only: Only, batch: Batch };

/** The parsed common keys of a sink entry. */
export type SinkCommonFile = { id: string; only: OnlyFilter; batch: z.output<typeof Batch> };

/** Flush a batch when any limit is reached. */
export interface BatchConfig {
  maxRecords: number;
  maxBytes: number;
  maxWaitMs: number;
}

/** Runtime config keys every sink has (the driver reads `only` and `batch`). */
export interface SinkConfigBase {
  type: string;
  id: string;
  only: OnlyFilter;
  batch: BatchConfig;
}

/**
 * The common runtime keys of a parsed sink entry.
 *
 * @example
 * sinkBase({ id: "k", only: "all", batch: { max_records: 10, max_bytes: 1000, max_wait: "250ms" } });
 * // { id: "k", only: "all", batch: { maxRecords: 10, maxBytes: 1000, maxWaitMs: 250 } }
 */
export function sinkBase(s: SinkCommonFile): Omit<SinkConfigBase, "type"> {
  return { id: s.id, only: s.only, batch: { maxRecords: s.batch.max_records, maxBytes: s.batch.max_bytes, maxWaitMs: durationMs(s.batch.max_wait) } };
}

/** What the conversion of a sink entry may need besides the entry. */
export interface SinkContext {
  /** Directory relative paths are resolved against (the config file's). */
  configDir: string;
  /** `agent.id` (e.g. for derived client ids). */
  agentId: string;
  /** Absolute `agent.data_dir` (e.g. for dead-letter files). */
  dataDir: string;
}

/** A configurable sink: schema, conversion, factory and example, bundled. */
export interface SinkComponent<S extends z.ZodObject = z.ZodObject, C extends SinkConfigBase = SinkConfigBase> {
  /** The zod schema of one `sinks:` entry: strict, `type` a literal, `...SINK_COMMON`, defaults declared here. */
  schema: S;
  /** Parsed entry → runtime config (durations in ms, paths absolute, derived defaults filled). */
  toConfig(file: z.output<S>, ctx: SinkContext): C;
  /** Runtime config → sink (`only` filtering and batching are the driver's). */
  build(config: C, log: Logger): Sink;
  /** The block `agent config example` prints under `sinks:`. */
  example: ExampleBlock;
  /**
   * The CA, certificate, key and secret files the runtime config names, for `agent validate`
   * (`at`: the entry's config path, e.g. `sinks[0]`). Default: none.
   */
  files?(config: C, at: string): TlsFileRef[];
  /**
   * Keys the agent fills from an environment variable when the YAML leaves them out, before
   * validation: YAML key → variable (e.g. `{ topic: "KAFKA_TOPIC" }`; agent/config/env.ts reads them).
   */
  env?: Readonly<Record<string, string>>;
}

/**
 * Types a sink component (inference only; returns its argument).
 *
 * @example
 * export const fileSink = defineSink({ schema: FileSinkSchema, toConfig: toFileSinkConfig, build: (c) => createFileSink(c), example });
 */
export function defineSink<S extends z.ZodObject, C extends SinkConfigBase>(component: SinkComponent<S, C>): SinkComponent<S, C> {
  return component;
}
