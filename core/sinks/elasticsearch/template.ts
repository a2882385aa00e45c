/**
 * The composable index template of the data contract (DESIGN.md §5).
 *
 * Kept to what Elasticsearch 8/9 and OpenSearch 2/3 both accept: `PUT _index_template/<name>`
 * with `index_patterns`, `priority`, `version`, `_meta` and `template.{settings,mappings}`; no
 * `flattened` (OpenSearch 2 has `flat_object` instead), no `data_stream`, no mapper-extras types.
 * `metric.labels` is an `object` whose sub-fields a dynamic template maps to `keyword`.
 * @module
 */
import type { Client } from "@elastic/elasticsearch";

/** Bumped when the mapping below changes (stored as the template `version`). */
export const TEMPLATE_VERSION = 2;

/**
 * Priority of the template: above the built-in `logs-*-*` / `metrics-*-*` templates of
 * Elasticsearch (100), so our names never turn into data streams with a foreign mapping.
 */
export const DEFAULT_TEMPLATE_PRIORITY = 200;

/** Options of {@link buildIndexTemplate}. */
export interface IndexTemplateOptions {
  /** Index of scored points. */
  index: string;
  /** Index of anomaly records. */
  anomaliesIndex: string;
  /** Template priority (default {@link DEFAULT_TEMPLATE_PRIORITY}). */
  priority?: number;
  /** Index settings put in the template (e.g. `{ number_of_replicas: 0 }`); default none. */
  settings?: Record<string, unknown>;
}

const keyword = { type: "keyword", ignore_above: 1024 } as const;

/** Mappings of the data contract: points, anomaly and drift records share one mapping. */
export const CONTRACT_MAPPINGS = {
  dynamic: true,
  dynamic_templates: [
    { metric_labels: { path_match: "metric.labels.*", match_mapping_type: "string", mapping: keyword } },
    { strings_as_keyword: { match_mapping_type: "string", mapping: keyword } },
  ],
  properties: {
    "@timestamp": { type: "date" },
    agent: { properties: { id: { type: "keyword" }, seq: { type: "long" } } },
    host: { properties: { name: { type: "keyword" } } },
    metric: {
      properties: {
        name: { type: "keyword" },
        labels: { type: "object", dynamic: true },
      },
    },
    value: { type: "double" },
    anomaly: {
      properties: {
        score: { type: "float" },
        threshold: { type: "float" },
        peak_score: { type: "float" },
        is_anomaly: { type: "boolean" },
        state: { type: "keyword" },
        start: { type: "date" },
        end: { type: "date" },
        points: { type: "integer" },
        // host-model events (scoring.host, core/events.ts): typed so a first `share: 1` is not mapped as a long
        contributors: { properties: { name: { type: "keyword" }, share: { type: "float" } } },
      },
    },
    // drift records (event.kind "drift", core/events.ts): typed here so a first `level: 1` is not mapped as a long
    drift: {
      properties: {
        state: { type: "keyword" },
        stream: { type: "keyword" },
        psi: { type: "double" },
        level: { type: "double" },
      },
    },
    model: { properties: { name: { type: "keyword" }, version: { type: "keyword" } } },
    event: { properties: { kind: { type: "keyword" } } },
  },
} as const;

/**
 * The body of `PUT _index_template/<name>` for the two indices.
 *
 * @example
 * const body = buildIndexTemplate({ index: "agent-metrics", anomaliesIndex: "agent-anomalies" });
 * await client.transport.request({ method: "PUT", path: "/_index_template/agent-metrics", body });
 */
export function buildIndexTemplate(opts: IndexTemplateOptions): Record<string, unknown> {
  const patterns = [...new Set([opts.index, opts.anomaliesIndex])];
  return {
    index_patterns: patterns,
    priority: opts.priority ?? DEFAULT_TEMPLATE_PRIORITY,
    version: TEMPLATE_VERSION,
    _meta: { managed_by: "agent", description: "edge anomaly agent: scored points and anomaly records" },
    template: {
      ...(opts.settings && Object.keys(opts.settings).length ? { settings: opts.settings } : {}),
      mappings: CONTRACT_MAPPINGS,
    },
  };
}

/** Default template name for a sink writing to `index`. */
export function defaultTemplateName(index: string): string {
  return `${index}-template`;
}

/**
 * Installs (creates or replaces) the template.
 *
 * @throws the client's error (ResponseError with `meta.statusCode`, ConnectionError, TimeoutError).
 */
export async function installIndexTemplate(client: Client, name: string, body: Record<string, unknown>, timeoutMs: number): Promise<void> {
  await client.transport.request({ method: "PUT", path: `/_index_template/${encodeURIComponent(name)}`, body }, { requestTimeout: timeoutMs, maxRetries: 0 });
}
