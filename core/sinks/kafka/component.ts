/**
 * The Kafka sink as a configurable component (see ../component.ts): schema, conversion,
 * factory and the `agent config example` block.
 * @module
 */
import { defineSink } from "../component.ts";
import { KAFKA_COMPRESSIONS } from "./codecs.ts";
import { KafkaSinkSchema, kafkaSinkFiles, toKafkaSinkConfig } from "./config.ts";
import { kafkaSasl, kafkaSsl } from "./security.ts";
import { createKafkaSink } from "./sink.ts";

/** `type: kafka`. */
export const kafkaSink = defineSink({
  schema: KafkaSinkSchema,
  toConfig: toKafkaSinkConfig,
  build: (c) =>
    createKafkaSink({
      id: c.id,
      brokers: c.brokers,
      topic: c.topic,
      anomaliesTopic: c.anomaliesTopic,
      clientId: c.clientId,
      compression: c.compression,
      ssl: kafkaSsl(c.tls),
      sasl: kafkaSasl(c.sasl),
    }),
  files: kafkaSinkFiles,
  env: { brokers: "KAFKA_BOOTSTRAP_SERVERS", topic: "KAFKA_TOPIC" },
  example: {
    enabled: false,
    yaml: `  # Kafka (key: agent.id). brokers default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092;
  # topic default: $KAFKA_TOPIC or metrics.
  - type: kafka
    id: kafka
    brokers: ["\${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}"]
    topic: "\${KAFKA_TOPIC:-metrics}"
    anomalies_topic: metrics-anomalies   # default <topic>-anomalies
    # client_id: agent-edge-01           # default agent-<agent.id>
    compression: gzip                    # ${KAFKA_COMPRESSIONS.join(" | ")}
    batch: { max_records: 500, max_bytes: 1000000, max_wait: 1s }
    # tls: { ca: /etc/agent/kafka-ca.pem }       # or tls: true (system CAs); cert/key for mutual TLS
    # sasl: { mechanism: scram-sha-512, username: agent, password_file: /etc/agent/kafka.password }`,
  },
});
