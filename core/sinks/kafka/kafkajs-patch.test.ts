/**
 * patches/kafkajs+2.2.4.patch (applied by patch-package on `npm ci`, see package.json
 * `postinstall`) makes kafkajs' per-partition grouping linear and clamps a negative timer delay
 * (Bun's TimeoutNegativeWarning on stderr). These tests fail when the patch is
 * missing (e.g. kafkajs upgraded without re-checking it) and check the grouping still does what
 * kafkajs' producer expects of it.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const path = require.resolve("kafkajs/src/producer/groupMessagesPerPartition.js");
const group = require(path) as (a: {
  topic: string;
  partitionMetadata: unknown[];
  messages: { key: string }[];
  partitioner: (a: { message: { key: string } }) => number;
}) => Record<string, { key: string }[]>;

test("the installed kafkajs carries the grouping patch (no array copy per message)", () => {
  const src = readFileSync(path, "utf8");
  expect(src).not.toContain("Object.assign(result"); // the original: a copy of the array per message
  expect(src).toContain("patches/kafkajs+2.2.4.patch");
  expect((require("kafkajs/package.json") as { version: string }).version).toBe("2.2.4");
});

test("the installed kafkajs never schedules a negative timeout (TimeoutNegativeWarning)", () => {
  const src = readFileSync(require.resolve("kafkajs/src/network/requestQueue/index.js"), "utf8");
  expect(src).toContain("}, Math.max(0, scheduleAt))");
});

test("grouping keeps every message once, in order, under its partition", () => {
  const messages = Array.from({ length: 5000 }, (_, i) => ({ key: `k${i % 3}`, i }));
  const out = group({ topic: "t", partitionMetadata: [{}, {}, {}], messages, partitioner: ({ message }) => Number(message.key.slice(1)) });
  expect(Object.keys(out).sort()).toEqual(["0", "1", "2"]);
  for (const [p, ms] of Object.entries(out)) {
    expect(ms.every((m) => m.key === `k${p}`)).toBe(true);
    const idx = ms.map((m) => (m as unknown as { i: number }).i);
    expect(idx).toEqual([...idx].sort((a, b) => a - b));
  }
  expect(Object.values(out).reduce((n, ms) => n + ms.length, 0)).toBe(5000);
  expect(group({ topic: "t", partitionMetadata: [], messages, partitioner: () => 0 })).toEqual({});
});
