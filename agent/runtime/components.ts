/**
 * Sources and sinks from their runtime config. Each type's factory lives in its folder; the
 * catalogs (core/sources/catalog.ts, core/sinks/catalog.ts) map `type` to it.
 * @module
 */
import type { Logger } from "pino";
import type { SinkConfig, SourceConfig } from "../config/types.ts";
import type { Source } from "../../core/sources/source.ts";
import type { Sink } from "../../core/sinks/sink.ts";
import { createSourceFromConfig } from "../../core/sources/catalog.ts";
import { createSinkFromConfig } from "../../core/sinks/catalog.ts";

/** Builds a source from its runtime config. */
export function buildSource(c: SourceConfig): Source {
  return createSourceFromConfig(c);
}

/** Builds a sink from its runtime config (`only` filtering is applied by the runtime, not here). */
export function buildSink(c: SinkConfig, log: Logger): Sink {
  return createSinkFromConfig(c, log);
}
