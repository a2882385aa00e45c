import { expect, test } from "bun:test";
import type { Resolution } from "../../models/registry-protocol/protocol.ts";
import { decide, type Rejected } from "./decide.ts";
import { accept, emptyState } from "./state.ts";

const res = (version: string, o: Partial<Resolution> = {}): Resolution => ({
  model: "m",
  channel: "stable",
  agent_id: "a",
  bucket: 1,
  version,
  digest: `d${version}`,
  cohort: "stable",
  bundle_url: "",
  published_at: `2030-01-0${version}T00:00:00Z`,
  rollback: false,
  ...o,
});
const at = "2030-02-01T00:00:00Z";
const s12 = accept(accept(emptyState("m"), { version: "1", digest: "d1", published_at: "2030-01-01T00:00:00Z", accepted_at: at }), {
  version: "2",
  digest: "d2",
  published_at: "2030-01-02T00:00:00Z",
  accepted_at: at,
});
const none = new Map<string, Rejected>();

test("the running version with the same digest is kept; another digest is installed", () => {
  expect(decide(res("2"), { state: s12, running: { version: "2", digest: "d2" }, rejected: none })).toEqual({ action: "keep" });
  expect(decide(res("2", { digest: "other" }), { state: s12, running: { version: "2", digest: "d2" }, rejected: none })).toEqual({
    action: "install",
    from: "download",
  });
});

test("a newer version is downloaded; an older one is refused unless the registry declares a rollback, then it comes from disk", () => {
  const running = { version: "2", digest: "d2" };
  expect(decide(res("3"), { state: s12, running, rejected: none })).toEqual({ action: "install", from: "download" });
  const refused = decide(res("1"), { state: s12, running, rejected: none });
  expect(refused.action).toBe("refuse");
  expect((refused as { reason: string }).reason).toContain("older than one already accepted");
  expect(decide(res("1", { rollback: true }), { state: s12, running, rejected: none })).toMatchObject({
    action: "install",
    from: "disk",
    accepted: { version: "1" },
  });
});

test("a version that failed here is skipped while its digest is the same; a registry without published_at is not second-guessed", () => {
  const rejected = new Map([["3", { digest: "d3", reason: "warm-up failed" }]]);
  expect(decide(res("3"), { state: s12, rejected })).toEqual({ action: "skip", reason: "3 failed here before: warm-up failed" });
  expect(decide(res("3", { digest: "d3b" }), { state: s12, rejected })).toEqual({ action: "install", from: "download" });
  expect(decide(res("0", { published_at: undefined, rollback: undefined }), { state: s12, rejected: none })).toEqual({ action: "install", from: "download" });
});
