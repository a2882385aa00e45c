/**
 * The source types the config accepts: one line per source folder. The `sources:` schema (a
 * union discriminated on `type`), the config's JSON Schema, `agent config example`, the
 * conversion to runtime config and the factory the agent calls are derived from this map.
 * Adding a source: a folder with a `component.ts` (see component.ts) and one line here.
 * @module
 */
import { z } from "zod";
import type { SourceComponent, SourceContext } from "./component.ts";
import type { Source } from "./source.ts";
import { syntheticSource } from "./synthetic/component.ts";
import { procfsSource } from "./procfs/component.ts";
import { prometheusSource } from "./prometheus/component.ts";

/** Every source type, by its `type:` value (order: JSON Schema and example order). */
export const SOURCES = {
  synthetic: syntheticSource,
  procfs: procfsSource,
  prometheus: prometheusSource,
} as const;

type Entry = (typeof SOURCES)[keyof typeof SOURCES];
/** Any component, with its config types erased (dispatch goes through `type`). */
type AnyEntry = { toConfig(file: unknown, ctx: SourceContext): SourceConfig; build(c: SourceConfig): Source } & Omit<SourceComponent, "toConfig" | "build">;

/** A source `type:` value. */
export type SourceType = keyof typeof SOURCES;

/** A parsed `sources:` entry (snake_case, defaults filled). */
export type SourceConfigFile = z.output<Entry["schema"]>;

/** Any source's runtime config. */
export type SourceConfig = ReturnType<Entry["toConfig"]>;

const schemas = Object.values(SOURCES).map((s) => s.schema) as unknown as [Entry["schema"], ...Entry["schema"][]];

/** One entry of `sources:`, chosen by `type`. */
export const SourceSchema = z.discriminatedUnion("type", schemas);

const entry = (type: string) => SOURCES[type as SourceType] as unknown as AnyEntry;

/**
 * A parsed `sources:` entry → its runtime config.
 *
 * @example
 * toSourceConfig(SourceSchema.parse({ type: "synthetic", id: "s", interval: 1 }), { configDir: "/etc/agent" }).intervalMs; // 1000
 */
export function toSourceConfig(file: SourceConfigFile, ctx: SourceContext): SourceConfig {
  return entry(file.type).toConfig(file, ctx);
}

/**
 * Builds the source of a runtime config.
 *
 * @example
 * const sources = config.sources.map(createSourceFromConfig);
 */
export function createSourceFromConfig(config: SourceConfig): Source {
  return entry(config.type).build(config);
}
