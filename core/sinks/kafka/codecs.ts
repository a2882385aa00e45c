/**
 * Record-batch compression codecs kafkajs does not ship. kafkajs implements only gzip; Bun's
 * `node:zlib` has zstd built in (no native npm package, works in `bun build --compile`), so
 * `zstd` is registered here for producers (the sink) and consumers (`agent ingest`) alike.
 * Brokers accept zstd from Kafka 2.1 (produce v7, which kafkajs negotiates).
 * @module
 */
import { CompressionCodecs, CompressionTypes } from "kafkajs";
import { promisify } from "node:util";
import zlib from "node:zlib";

/** The record-batch compressions the sink offers (the config's `compression` values). */
export const KAFKA_COMPRESSIONS = ["gzip", "zstd", "none"] as const;

/** One of {@link KAFKA_COMPRESSIONS}. */
export type KafkaCompression = (typeof KAFKA_COMPRESSIONS)[number];

/** zstd level used for produced batches: 1 is ~5× faster than gzip's default and compresses better. */
export const ZSTD_LEVEL = 1;

const zstdCompress = promisify(zlib.zstdCompress) as (b: Buffer, o: zlib.ZstdOptions) => Promise<Buffer>;
const zstdDecompress = promisify(zlib.zstdDecompress) as (b: Buffer) => Promise<Buffer>;
const zstdOptions: zlib.ZstdOptions = { params: { [zlib.constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } };

/** kafkajs codec object for zstd (compress gets kafkajs' Encoder, decompress a Buffer). */
export const zstdCodec = {
  compress: (encoder: { buffer: Buffer }) => zstdCompress(encoder.buffer, zstdOptions),
  decompress: (buffer: Buffer) => zstdDecompress(buffer),
};

/** Registers {@link zstdCodec} in kafkajs (idempotent). Called by `createKafka` and the sink. */
export function registerKafkaCodecs(): void {
  CompressionCodecs[CompressionTypes.ZSTD] = () => zstdCodec;
}

/**
 * kafkajs compression type of a {@link KafkaCompression} name.
 *
 * @example
 * compressionType("zstd"); // CompressionTypes.ZSTD (4)
 */
export function compressionType(name: KafkaCompression): CompressionTypes {
  if (name === "zstd") {
    registerKafkaCodecs();
    return CompressionTypes.ZSTD;
  }
  return name === "gzip" ? CompressionTypes.GZIP : CompressionTypes.None;
}
