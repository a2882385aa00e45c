import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../args.ts";
import { envDefaults } from "../config/env.ts";
import { Ingestor } from "../../core/ingest/ingest.ts";
import { createElasticsearchSink } from "../../core/sinks/elasticsearch/sink.ts";
import { createLogger } from "../../core/telemetry/log.ts";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { runCommand, UsageError } from "../errors.ts";
import { DURATION_HINT, parseDuration } from "../../core/config/duration.ts";

interface IngestArgs extends GlobalArgs {
  brokers?: string;
  topic?: string;
  "anomalies-topic"?: string;
  group?: string;
  es?: string;
  index: string;
  "anomalies-index"?: string;
  "dead-letter": string;
  "topic-wait": string;
}

/** `agent ingest`: the central Kafka → Elasticsearch consumer (a consumer group; run several to scale). */
export const ingestCommand: CommandModule<GlobalArgs, IngestArgs> = {
  command: "ingest",
  describe: "Consume the points topic (consumer group) and bulk-write into Elasticsearch/OpenSearch; offsets committed after the bulk",
  builder: (y) =>
    y
      .option("brokers", { type: "string", describe: "Kafka bootstrap servers, comma-separated (default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092)" })
      .option("topic", { type: "string", describe: "Points topic (default: $KAFKA_TOPIC or metrics)" })
      .option("anomalies-topic", { type: "string", describe: "Also move this anomalies topic (into --anomalies-index)" })
      .option("group", { type: "string", describe: "Consumer group id (default: $KAFKA_GROUP_ID or metrics-consumer)" })
      .option("es", { type: "string", describe: "Elasticsearch/OpenSearch URLs, comma-separated (default: $ELASTICSEARCH_HOST or http://127.0.0.1:9200)" })
      .option("index", { type: "string", default: "metrics-edge", describe: "Target index for points" })
      .option("anomalies-index", { type: "string", describe: "Target index for anomalies (default <index>-anomalies)" })
      .option("topic-wait", {
        type: "string",
        default: "30s",
        describe: "How long to wait for a missing topic before exiting with an error (0s: at once)",
      })
      .option("dead-letter", { type: "string", default: "./var/dead-letter/ingest.jsonl", describe: "File for documents the search engine rejects" })
      .example("KAFKA_BOOTSTRAP_SERVERS=k1:9092 ELASTICSEARCH_HOST=es1:9200 $0 ingest", "the prototype's environment variables")
      .example("$0 ingest --topic metrics --anomalies-topic metrics-anomalies --group ingest --index metrics-edge", "explicit flags"),
  handler: (args) =>
    runCommand("ingest", args.debug, async () => {
      const env = envDefaults(process.env);
      const wait = args["topic-wait"].trim();
      const topicWaitMs = parseDuration(/^\d+(\.\d+)?$/.test(wait) ? Number(wait) : wait);
      if (topicWaitMs === undefined) throw new UsageError(`--topic-wait ${args["topic-wait"]}: expected ${DURATION_HINT}`);
      const log = createLogger();
      const telemetry = new Telemetry();
      const index = args.index;
      const sink = createElasticsearchSink({
        id: "ingest",
        hosts: args.es ? args.es.split(",").map((h) => (/^https?:\/\//.test(h) ? h : `http://${h}`)) : env.elasticsearchHosts,
        index,
        anomaliesIndex: args["anomalies-index"] ?? `${index}-anomalies`,
        flavor: "auto",
        deadLetterPath: args["dead-letter"],
      });
      const ingestor = new Ingestor(
        {
          brokers: args.brokers ? args.brokers.split(",") : env.kafkaBrokers,
          topic: args.topic ?? env.kafkaTopic,
          anomaliesTopic: args["anomalies-topic"],
          groupId: args.group ?? env.ingestGroupId,
          topicWaitMs,
        },
        sink,
        telemetry,
        log,
      );
      await ingestor.start();
      log.info({ group: args.group ?? env.ingestGroupId, topic: args.topic ?? env.kafkaTopic, index }, "ingest running");
      const timer = setInterval(() => log.info(ingestor.stats, "ingest progress"), 30_000);
      await new Promise<void>((resolve) => {
        const stop = async () => {
          clearInterval(timer);
          await ingestor.stop();
          log.info(ingestor.stats, "ingest stopped");
          resolve();
        };
        process.once("SIGTERM", () => void stop());
        process.once("SIGINT", () => void stop());
      });
    }),
};
