/**
 * The Elasticsearch/OpenSearch sink as a configurable component (see ../component.ts): schema,
 * conversion, factory and the `agent config example` block.
 * @module
 */
import { defineSink } from "../component.ts";
import { SEARCH_FLAVORS } from "./client.ts";
import { ElasticsearchSinkSchema, toElasticsearchSinkConfig } from "./config.ts";
import { createElasticsearchSink } from "./sink.ts";

/** `type: elasticsearch`. */
export const elasticsearchSink = defineSink({
  schema: ElasticsearchSinkSchema,
  toConfig: toElasticsearchSinkConfig,
  build: (c) =>
    createElasticsearchSink({
      id: c.id,
      hosts: c.hosts,
      index: c.index,
      anomaliesIndex: c.anomaliesIndex,
      flavor: c.flavor,
      auth: c.auth,
      deadLetterPath: c.deadLetterPath,
    }),
  env: { hosts: "ELASTICSEARCH_HOST" },
  example: {
    enabled: false,
    yaml: `  # Elasticsearch 8/9 or OpenSearch 2/3 (bulk create; _id = <agent.id>:<seq>).
  # hosts default: $ELASTICSEARCH_HOST or http://127.0.0.1:9200.
  - type: elasticsearch
    id: es
    hosts: ["http://\${ELASTICSEARCH_HOST:-127.0.0.1:9200}"]
    index: metrics-edge
    anomalies_index: metrics-edge-anomalies   # default <index>-anomalies
    flavor: auto                              # ${SEARCH_FLAVORS.join(" | ")}
    # auth: { username: elastic, password: "\${ES_PASSWORD}" }   # or { api_key: "\${ES_API_KEY}" }
    # dead_letter_path: ./var/dead-letter/es.jsonl               # rejected documents (default shown)`,
  },
});
