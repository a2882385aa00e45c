/**
 * `type: prometheus` in `sources:`: the YAML schema and its conversion to the runtime config
 * {@link PrometheusSourceConfig}.
 * @module
 */
import { z } from "zod";
import { Duration, durationMs, HttpUrl, Id } from "../../config/fields.ts";
import type { SourceConfigBase } from "../component.ts";
import { PROMETHEUS_MAX_DEFAULT_TIMEOUT_MS } from "./index.ts";

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

/** A parsed `type: prometheus` entry. */
export type PrometheusSourceFile = z.output<typeof PrometheusSourceSchema>;

/** `type: prometheus` runtime config. */
export interface PrometheusSourceConfig extends SourceConfigBase {
  type: "prometheus";
  url: string;
  timeoutMs: number;
  headers: Record<string, string>;
}

/**
 * Parsed entry → runtime config: the timeout defaults to min(10 s, interval).
 *
 * @example
 * toPrometheusSourceConfig(PrometheusSourceSchema.parse({ type: "prometheus", id: "p", url: "http://x/metrics", interval: "5s" })).timeoutMs; // 5000
 */
export function toPrometheusSourceConfig(s: PrometheusSourceFile): PrometheusSourceConfig {
  const intervalMs = durationMs(s.interval);
  const timeoutMs = s.timeout === undefined ? Math.min(PROMETHEUS_MAX_DEFAULT_TIMEOUT_MS, intervalMs) : durationMs(s.timeout);
  return { type: s.type, id: s.id, url: s.url, intervalMs, timeoutMs, headers: { ...s.headers } };
}
