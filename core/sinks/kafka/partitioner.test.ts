import { describe, expect, test } from "bun:test";
import { Partitioners, type PartitionerArgs } from "kafkajs";
import { CachingDefaultPartitioner } from "./partitioner.ts";

const meta = (n: number) => Array.from({ length: n }, (_, i) => ({ partitionErrorCode: 0, partitionId: i, leader: 0, replicas: [0], isr: [0] }));

describe("CachingDefaultPartitioner", () => {
  test("same partition as kafkajs' DefaultPartitioner for keyed messages, per partition count", () => {
    const ours = CachingDefaultPartitioner();
    const ref = Partitioners.DefaultPartitioner();
    for (const n of [1, 3, 12])
      for (const key of ["edge-01", "agent-k", "a", "host-with-a-longer-name-42"])
        for (let rep = 0; rep < 2; rep++) {
          const args: PartitionerArgs = { topic: "t", partitionMetadata: meta(n), message: { key, value: "v" } };
          expect(ours(args)).toBe(ref(args));
        }
  });

  test("explicit partition wins; a message without key goes round-robin (not cached)", () => {
    const ours = CachingDefaultPartitioner();
    expect(ours({ topic: "t", partitionMetadata: meta(4), message: { key: "k", value: "v", partition: 3 } })).toBe(3);
    const seen = new Set(Array.from({ length: 8 }, () => ours({ topic: "t", partitionMetadata: meta(4), message: { value: "v" } })));
    expect(seen.size).toBe(4);
  });
});
