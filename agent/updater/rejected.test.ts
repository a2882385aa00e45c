import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_REJECTED, readRejected, writeRejected } from "./rejected.ts";
import { ModelStateError } from "./state.ts";

const digest = "b".repeat(64);

test("rejected versions round-trip through models/rejected.json; only the newest are kept", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rejected-"));
  expect((await readRejected(dir, "m")).size).toBe(0);
  const map = new Map(Array.from({ length: MAX_REJECTED + 5 }, (_, i) => [`v${i}`, { digest, reason: `bad ${i}` }]));
  await writeRejected(dir, "m", map);
  const back = await readRejected(dir, "m");
  expect(back.size).toBe(MAX_REJECTED);
  expect(back.get(`v${MAX_REJECTED + 4}`)).toEqual({ digest, reason: `bad ${MAX_REJECTED + 4}` });
  expect(back.has("v0")).toBe(false);
  expect((await readRejected(dir, "other")).size).toBe(0);
});

test("rejections by another agent version are retried (an upgrade may accept them)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rejected-"));
  mkdirSync(join(dir, "models"));
  writeFileSync(
    join(dir, "models", "rejected.json"),
    JSON.stringify({ format: 1, model: "m", rejected: [{ version: "2", digest, reason: "r", agent_version: "0.0.1-old" }] }),
  );
  expect((await readRejected(dir, "m")).size).toBe(0);
});

test("a tampered file (traversal version, wrong types) is refused with its path", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rejected-"));
  mkdirSync(join(dir, "models"));
  writeFileSync(
    join(dir, "models", "rejected.json"),
    JSON.stringify({ format: 1, model: "m", rejected: [{ version: "../x", digest, reason: "r", agent_version: "0.1.0" }] }),
  );
  const err = await readRejected(dir, "m").catch((e) => e);
  expect(err).toBeInstanceOf(ModelStateError);
  expect(err.message).toContain("rejected.json: rejected.0.version");
});
