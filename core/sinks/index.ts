/**
 * The sinks: where records leave the agent. Every sink implements {@link Sink}; batching,
 * retries with backoff and buffering live in the runtime's driver.
 *
 * @example
 * import { createKafkaSink, createElasticsearchSink, createFileSink, createStdoutSink } from "./core/sinks/index.ts";
 * const sinks = [
 *   createKafkaSink({ id: "kafka", brokers: ["127.0.0.1:9092"], clientId: "agent-01", topic: "agent-metrics", anomaliesTopic: "agent-anomalies" }),
 *   createStdoutSink({ id: "console", only: "anomalies", format: "pretty" }),
 * ];
 * @module
 */
export type { SendResult, Sink, SinkState } from "./sink.ts";
export type { OnlyFilter } from "./shared/only.ts";
export { createKafkaSink, KAFKA_SINK_DEFAULTS, type KafkaSinkOptions } from "./kafka/sink.ts";
export {
  createElasticsearchSink,
  ELASTICSEARCH_SINK_DEFAULTS,
  type ElasticsearchSinkOptions,
} from "./elasticsearch/sink.ts";
export {
  buildIndexTemplate,
  CONTRACT_MAPPINGS,
  DEFAULT_TEMPLATE_PRIORITY,
  TEMPLATE_VERSION,
  type IndexTemplateOptions,
} from "./elasticsearch/template.ts";
export type { DeadLetterLine } from "./elasticsearch/dead-letter.ts";
export { createFileSink, FILE_SINK_DEFAULTS, type FileSinkOptions } from "./file/sink.ts";
export { createStdoutSink, STDOUT_SINK_DEFAULTS, type LineOutput, type StdoutSinkOptions } from "./stdout/sink.ts";
export { formatPretty } from "./stdout/format.ts";
