/**
 * What a source folder exports to be configurable: a {@link SourceComponent} bundles its config
 * schema (snake_case, as written in YAML, defaults included), the conversion to its runtime
 * config (camelCase, milliseconds, absolute paths) and the factory. `catalog.ts` lists them.
 * @module
 */
import type { z } from "zod";
import type { ExampleBlock } from "../config/example.ts";
import type { Source } from "./source.ts";

/** Runtime config keys every source has. */
export interface SourceConfigBase {
  type: string;
  id: string;
  /** Milliseconds between collection rounds. */
  intervalMs: number;
}

/** What the conversion of a source entry may need besides the entry. */
export interface SourceContext {
  /** Directory relative paths are resolved against (the config file's). */
  configDir: string;
}

/** A configurable source: schema, conversion, factory and example, bundled. */
export interface SourceComponent<S extends z.ZodObject = z.ZodObject, C extends SourceConfigBase = SourceConfigBase> {
  /** The zod schema of one `sources:` entry: strict, `type` a literal, `id` and `interval` included, defaults declared here. */
  schema: S;
  /** Parsed entry → runtime config (durations in ms, paths absolute, derived defaults filled). */
  toConfig(file: z.output<S>, ctx: SourceContext): C;
  /** Runtime config → source. */
  build(config: C): Source;
  /** The block `agent config example` prints under `sources:`. */
  example: ExampleBlock;
}

/**
 * Types a source component (inference only; returns its argument).
 *
 * @example
 * export const procfsSource = defineSource({ schema: ProcfsSourceSchema, toConfig: toProcfsSourceConfig, build: createProcfsSource, example });
 */
export function defineSource<S extends z.ZodObject, C extends SourceConfigBase>(component: SourceComponent<S, C>): SourceComponent<S, C> {
  return component;
}
