/**
 * The sink types the config accepts: one line per sink folder. Everything else — the `sinks:`
 * schema (a union discriminated on `type`), the config's JSON Schema, `agent config example`,
 * the conversion to runtime config and the factory the agent calls — is derived from this map.
 * Adding a sink: a folder with a `component.ts` (see component.ts) and one line here.
 * @module
 */
import type { Logger } from "pino";
import { z } from "zod";
import type { TlsFileRef } from "../config/tls.ts";
import type { SinkComponent, SinkContext } from "./component.ts";
import type { Sink } from "./sink.ts";
import { kafkaSink } from "./kafka/component.ts";
import { elasticsearchSink } from "./elasticsearch/component.ts";
import { fileSink } from "./file/component.ts";
import { stdoutSink } from "./stdout/component.ts";
import { httpSink } from "./http/component.ts";
import { alertmanagerSink } from "./alertmanager/component.ts";
import { webhookSink } from "./webhook/component.ts";

/** Every sink type, by its `type:` value (order: JSON Schema and example order). */
export const SINKS = {
  kafka: kafkaSink,
  elasticsearch: elasticsearchSink,
  file: fileSink,
  stdout: stdoutSink,
  http: httpSink,
  alertmanager: alertmanagerSink,
  webhook: webhookSink,
} as const;

type Entry = (typeof SINKS)[keyof typeof SINKS];
/** Any component, with its config types erased (dispatch goes through `type`). */
type AnyEntry = {
  toConfig(file: unknown, ctx: SinkContext): SinkConfig;
  build(c: SinkConfig, log: Logger): Sink;
  files?(c: SinkConfig, at: string): TlsFileRef[];
} & Omit<SinkComponent, "toConfig" | "build" | "files">;

/** A sink `type:` value. */
export type SinkType = keyof typeof SINKS;

/** A parsed `sinks:` entry (snake_case, defaults filled). */
export type SinkConfigFile = z.output<Entry["schema"]>;

/** Any sink's runtime config. */
export type SinkConfig = ReturnType<Entry["toConfig"]>;

const schemas = Object.values(SINKS).map((s) => s.schema) as unknown as [Entry["schema"], ...Entry["schema"][]];

/** One entry of `sinks:`, chosen by `type`. */
export const SinkSchema = z.discriminatedUnion("type", schemas);

const entry = (type: string) => SINKS[type as SinkType] as unknown as AnyEntry;

/**
 * A parsed `sinks:` entry → its runtime config.
 *
 * @example
 * toSinkConfig(SinkSchema.parse({ type: "stdout", id: "o" }), { configDir: "/etc/agent", agentId: "a", dataDir: "/var/agent" });
 */
export function toSinkConfig(file: SinkConfigFile, ctx: SinkContext): SinkConfig {
  return entry(file.type).toConfig(file, ctx);
}

/**
 * The CA, certificate, key and secret files a sink's runtime config names (for `agent validate`).
 *
 * @example
 * sinkFiles(config.sinks[0], "sinks[0]"); // [{ key: "sinks[0].tls.ca", file: "/etc/agent/ca.pem", kind: "ca" }]
 */
export function sinkFiles(config: SinkConfig, at: string): TlsFileRef[] {
  return entry(config.type).files?.(config, at) ?? [];
}

/**
 * Builds the sink of a runtime config (`only` filtering and batching are the driver's).
 *
 * @example
 * const sink = createSinkFromConfig(config.sinks[0], log);
 */
export function createSinkFromConfig(config: SinkConfig, log: Logger): Sink {
  return entry(config.type).build(config, log);
}
