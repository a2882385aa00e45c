import { expect, test } from "bun:test";
import { StdoutSinkSchema, toStdoutSinkConfig } from "./config.ts";

test("only the common keys, with their defaults", () => {
  expect(toStdoutSinkConfig(StdoutSinkSchema.parse({ type: "stdout", id: "o" }))).toEqual({
    type: "stdout",
    id: "o",
    only: "all",
    batch: { maxRecords: 500, maxBytes: 1_000_000, maxWaitMs: 1000 },
  });
  expect(StdoutSinkSchema.safeParse({ type: "stdout", id: "o", only: "some" }).success).toBe(false);
  expect(StdoutSinkSchema.safeParse({ type: "stdout", id: "o", batch: { max_records: 0 } }).success).toBe(false);
});
