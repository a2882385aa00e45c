/**
 * The Prometheus source as a configurable component (see ../component.ts): schema, conversion,
 * factory and the `agent config example` block.
 * @module
 */
import { defineSource } from "../component.ts";
import { PrometheusSourceSchema, toPrometheusSourceConfig } from "./config.ts";
import { createPrometheusSource } from "./index.ts";

/** `type: prometheus`. */
export const prometheusSource = defineSource({
  schema: PrometheusSourceSchema,
  toConfig: toPrometheusSourceConfig,
  build: (c) => createPrometheusSource({ id: c.id, url: c.url, intervalMs: c.intervalMs, timeoutMs: c.timeoutMs, headers: c.headers }),
  example: {
    enabled: false,
    yaml: `  # Scrape a Prometheus text-format endpoint.
  - type: prometheus
    id: app
    url: http://127.0.0.1:9100/metrics
    interval: 15s
    timeout: 5s            # default: the smaller of 10s and interval
    headers: {}            # e.g. { Authorization: "Bearer \${APP_TOKEN}" }`,
  },
});
