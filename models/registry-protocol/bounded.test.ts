import { describe, expect, test } from "bun:test";
import { RegistryAnswerError } from "./answers.ts";
import { envelopeLimit, readBounded, readBoundedJson } from "./bounded.ts";
import { RegistryError } from "./errors.ts";

/** A streamed body of `chunks` chunks of 1 KiB with no Content-Length; counts what was pulled. */
function streamed(chunks: number) {
  const seen = { pulled: 0 };
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (i++ >= chunks) return c.close();
      seen.pulled += 1024;
      c.enqueue(new Uint8Array(1024).fill(0x20));
    },
  });
  return { res: new Response(body), seen };
}

describe("readBounded", () => {
  test("reads a body within the limit whole", async () => {
    expect((await readBounded(new Response("hello"), 5, "u")).byteLength).toBe(5);
  });

  test("a declared Content-Length over the limit is refused before reading, and the connection cut", async () => {
    let aborted = false;
    const res = new Response("x".repeat(100), { headers: { "content-length": "100" } });
    const err = await readBounded(res, 10, "http://r/a", () => (aborted = true)).catch((e) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect([err.code, err.status, aborted]).toEqual(["too_large", 413, true]);
  });

  test("a streamed body is cut as soon as it passes the limit", async () => {
    const { res, seen } = streamed(10_000);
    let aborted = false;
    const err = await readBounded(res, 8 * 1024, "u", () => (aborted = true)).catch((e) => e);
    expect(err.code).toBe("too_large");
    expect(aborted).toBe(true);
    expect(seen.pulled).toBeLessThan(16 * 1024);
  });

  test("a body that breaks off is `unreachable` (retried later), not a verdict", async () => {
    const body = new ReadableStream<Uint8Array>({ pull: (c) => c.error(new Error("socket closed")) });
    const err = await readBounded(new Response(body), 1024, "u").catch((e) => e);
    expect([err.code, err.status, err.retryable]).toEqual(["unreachable", 0, true]);
  });
});

describe("readBoundedJson", () => {
  test("truncated JSON is a RegistryAnswerError", async () => {
    const err = (await readBoundedJson(new Response('{"a":'), 1024, "u").catch((e: Error) => e)) as Error;
    expect(err).toBeInstanceOf(RegistryAnswerError);
    expect(err.message).toContain("not JSON");
  });

  test("envelopeLimit leaves room for base64 and the manifest", () => {
    expect(envelopeLimit(3 << 20)).toBe((4 << 20) + (1 << 20));
  });
});
