import type { Logger } from "pino";
import type { SinkConfig, SourceConfig } from "../config/types.ts";
import type { Source } from "../../core/sources/source.ts";
import type { Sink } from "../../core/sinks/sink.ts";
import { createSyntheticSource } from "../../core/sources/synthetic/index.ts";
import { createProcfsSource } from "../../core/sources/procfs/index.ts";
import { createPrometheusSource } from "../../core/sources/prometheus/index.ts";
import { createKafkaSink } from "../../core/sinks/kafka/sink.ts";
import { createElasticsearchSink } from "../../core/sinks/elasticsearch/sink.ts";
import { createFileSink } from "../../core/sinks/file/sink.ts";
import { createStdoutSink } from "../../core/sinks/stdout/sink.ts";

/** Builds a source from its runtime config. */
export function buildSource(c: SourceConfig): Source {
  switch (c.type) {
    case "synthetic":
      return createSyntheticSource({ id: c.id, intervalMs: c.intervalMs, series: c.series, anomalyRatio: c.anomalyRatio, seed: c.seed });
    case "procfs":
      return createProcfsSource({ id: c.id, intervalMs: c.intervalMs, root: c.root, sysRoot: c.sysRoot });
    case "prometheus":
      return createPrometheusSource({ id: c.id, url: c.url, intervalMs: c.intervalMs, timeoutMs: c.timeoutMs, headers: c.headers });
  }
}

/** Builds a sink from its runtime config (`only` filtering is applied by the runtime, not here). */
export function buildSink(c: SinkConfig, log: Logger): Sink {
  switch (c.type) {
    case "kafka":
      return createKafkaSink({ id: c.id, brokers: c.brokers, topic: c.topic, anomaliesTopic: c.anomaliesTopic, clientId: c.clientId, compression: c.compression });
    case "elasticsearch":
      return createElasticsearchSink({
        id: c.id,
        hosts: c.hosts,
        index: c.index,
        anomaliesIndex: c.anomaliesIndex,
        flavor: c.flavor,
        auth: c.auth,
        deadLetterPath: c.deadLetterPath,
      });
    case "file":
      return createFileSink({ id: c.id, path: c.path });
    case "stdout":
      void log;
      return createStdoutSink({ id: c.id, format: "pretty" });
  }
}
