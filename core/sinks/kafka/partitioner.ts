/**
 * kafkajs' Java-compatible `DefaultPartitioner` with the partition of each key remembered.
 *
 * Every record of an agent carries the same key (`agent.id`), and kafkajs hashes it again for
 * every message (murmur2 on its emulated 64-bit `Long`): about a third of the producer's CPU at
 * 10k records per batch. The answer only depends on the key and the topic's partition count, so
 * it is cached per (topic, partition count, key); messages with an explicit partition or no key
 * go to the default partitioner unchanged.
 * @module
 */
import { Partitioners, type ICustomPartitioner } from "kafkajs";

/** Keys remembered at most (the cache is cleared beyond it; the agent uses one key). */
export const PARTITION_CACHE_MAX = 1024;

/**
 * Creates the caching partitioner; pass it as `createPartitioner` to `kafka.producer()`.
 *
 * @example
 * const producer = kafka.producer({ createPartitioner: CachingDefaultPartitioner });
 */
export const CachingDefaultPartitioner: ICustomPartitioner = () => {
  const inner = Partitioners.DefaultPartitioner();
  const cache = new Map<string, number>();
  return (args) => {
    const { message } = args;
    const key = message.key;
    if (typeof key !== "string" || (message.partition !== undefined && message.partition !== null)) return inner(args);
    const id = `${args.topic}\u0000${args.partitionMetadata.length}\u0000${key}`;
    let p = cache.get(id);
    if (p === undefined) {
      p = inner(args);
      if (cache.size >= PARTITION_CACHE_MAX) cache.clear();
      cache.set(id, p);
    }
    return p;
  };
};
