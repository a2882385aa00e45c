import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseHeartbeatAck, parseResolution, RegistryAnswerError } from "./answers.ts";
import { isName } from "./protocol.ts";

const asked = { model: "m", channel: "stable" as const, agentId: "edge-1" };
const good = {
  model: "m",
  channel: "stable",
  agent_id: "edge-1",
  bucket: 7,
  version: "2",
  digest: "a".repeat(64),
  cohort: "stable",
  published_at: "2026-01-01T00:00:00.000Z",
  rollback: false,
  bundle_url: "/v1/models/m/versions/2/bundle",
};

/** Calls `fn`; true when it returned, false when it threw a RegistryAnswerError; rethrows anything else. */
function accepted(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    if (error instanceof RegistryAnswerError) return false;
    throw error;
  }
}

describe("parseResolution", () => {
  test("a well-formed answer for the question asked is accepted as it is", () => {
    expect(parseResolution(good, asked)).toEqual(good as never);
  });

  test.each([
    ["version traversal", { version: "../../../../victim" }],
    ["absolute version", { version: "/etc" }],
    ["NUL in version", { version: "1\u0000" }],
    ["version ..", { version: ".." }],
    ["model null", { model: null }],
    ["version a number", { version: 12 }],
    ["another model", { model: "n" }],
    ["another agent", { agent_id: "edge-2" }],
    ["unknown key", { extra: 1 }],
    ["digest upper-case", { digest: "A".repeat(64) }],
  ])("refuses %s with a one-line RegistryAnswerError", (_, over) => {
    const err = (() => {
      try {
        parseResolution({ ...good, ...over }, asked, "http://r/v1/x");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RegistryAnswerError);
    expect((err as RegistryAnswerError).code).toBe("bad_answer");
    expect((err as Error).message).toStartWith("http://r/v1/x: 502 bad_answer: resolve answer: ");
    expect((err as Error).message).not.toContain("\n");
  });

  test("fuzz: arbitrary JSON never throws anything but RegistryAnswerError", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => void accepted(() => parseResolution(json, asked))),
      { numRuns: 2000 },
    );
  });

  test("fuzz: answers with arbitrary field values are accepted only with safe names, for the model asked", () => {
    const field = fc.oneof(
      fc.string(),
      fc.constantFrom("..", ".", "../x", "/x", "a/b", "a\u0000", "m", "2", "edge-1"),
      fc.integer(),
      fc.constant(null),
      fc.jsonValue(),
    );
    const answer = fc.record(
      { model: field, version: field, agent_id: field, bucket: fc.oneof(fc.integer(), field), digest: fc.oneof(fc.constant("a".repeat(64)), field) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(answer, (over) => {
        const json = { ...good, ...over };
        if (!accepted(() => parseResolution(json, asked))) return;
        const r = parseResolution(json, asked);
        expect(isName(r.version) && !r.version.includes("/") && r.version !== "..").toBe(true);
        expect(r.model).toBe("m");
        expect(r.agent_id).toBe("edge-1");
      }),
      { numRuns: 3000 },
    );
  });
});

describe("parseHeartbeatAck", () => {
  test("the registry's ack is accepted; anything else is a RegistryAnswerError", () => {
    expect(parseHeartbeatAck({ ok: true, server_time: "2026-01-01T00:00:00Z", interval_s: 10 }).ok).toBe(true);
    fc.assert(
      fc.property(fc.jsonValue(), (json) => void accepted(() => parseHeartbeatAck(json))),
      { numRuns: 1000 },
    );
  });
});
