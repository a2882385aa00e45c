/**
 * The Elasticsearch/OpenSearch sink as a configurable component (see ../component.ts): schema,
 * conversion, factory and the `agent config example` block.
 * @module
 */
import { defineSink } from "../component.ts";
import { SEARCH_FLAVORS } from "./client.ts";
import { ElasticsearchSinkSchema, elasticsearchSinkFiles, toElasticsearchSinkConfig } from "./config.ts";
import { searchAuth, searchTls } from "./security.ts";
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
      auth: searchAuth(c.auth),
      tls: searchTls(c.tls),
      caFingerprint: c.tls?.caFingerprint,
      cloudId: c.cloudId,
      deadLetterPath: c.deadLetterPath,
    }),
  files: elasticsearchSinkFiles,
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
    # auth: { username: elastic, password_file: /etc/agent/es.password }   # or { api_key_file: /etc/agent/es.api_key }
    # tls: { ca: /etc/agent/es-ca.pem }          # or { ca_fingerprint: "AB:CD:…" }; cert/key for mutual TLS
    # cloud_id: "\${ES_CLOUD_ID}"                # Elastic Cloud, instead of hosts
    # dead_letter_path: ./var/dead-letter/es.jsonl               # rejected documents (default shown)`,
  },
});
