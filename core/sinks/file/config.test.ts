import { expect, test } from "bun:test";
import { FileSinkSchema, toFileSinkConfig } from "./config.ts";

const ctx = { configDir: "/etc/agent", agentId: "edge-01", dataDir: "/var/agent" };

test("the path is resolved against the config file's directory; only and batch are the common keys", () => {
  const c = toFileSinkConfig(FileSinkSchema.parse({ type: "file", id: "f", path: "out/a.jsonl", only: "anomalies", batch: { max_wait: "250ms" } }), ctx);
  expect(c).toEqual({
    type: "file",
    id: "f",
    only: "anomalies",
    batch: { maxRecords: 500, maxBytes: 1_000_000, maxWaitMs: 250 },
    path: "/etc/agent/out/a.jsonl",
  });
  expect(toFileSinkConfig(FileSinkSchema.parse({ type: "file", id: "f", path: "/tmp/x.jsonl" }), ctx).path).toBe("/tmp/x.jsonl");
});

test("path is required and unknown keys are refused", () => {
  const r = FileSinkSchema.safeParse({ type: "file", id: "f", file: "x" });
  expect(r.error!.issues.map((i) => i.code).sort()).toEqual(["invalid_type", "unrecognized_keys"]);
});
