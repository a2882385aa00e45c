import { expect, test } from "bun:test";
import { readBodyLimited } from "./body.ts";
import { ApiError } from "./errors.ts";

/** A chunked request body of `chunks` × 1 KiB; `pulled()` tells how many chunks the reader took. */
function streamed(chunks: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (pulled >= chunks) return c.close();
      pulled++;
      c.enqueue(new Uint8Array(1024).fill(65));
    },
  });
  const req = new Request("http://x/", { method: "POST", body, headers: { "transfer-encoding": "chunked" }, duplex: "half" } as RequestInit);
  return { req, pulled: () => pulled };
}

test("a body within the limit is read whole", async () => {
  const s = streamed(4);
  expect((await readBodyLimited(s.req, 4096, "x")).byteLength).toBe(4096);
});

test("a chunked body is cut as soon as it passes the limit: 413 with Connection: close, the rest never pulled", async () => {
  const s = streamed(1_000_000);
  const e = (await readBodyLimited(s.req, 10 * 1024, "upload").catch((x) => x)) as ApiError;
  expect(e).toBeInstanceOf(ApiError);
  expect([e.status, e.code, e.headers.connection]).toEqual([413, "too_large", "close"]);
  expect(s.pulled()).toBeLessThan(20);
});

test("Content-Length past the limit is refused before reading; a malformed one is a 400", async () => {
  const big = new Request("http://x/", { method: "POST", body: "x", headers: { "content-length": "999999999999" } });
  Object.defineProperty(big, "body", {
    get: () => {
      throw new Error("body was read");
    },
  });
  expect(((await readBodyLimited(big, 1024, "upload").catch((x) => x)) as ApiError).status).toBe(413);
  const bad = new Request("http://x/", { method: "POST", body: "x", headers: { "content-length": "12abc" } });
  expect(((await readBodyLimited(bad, 1024, "upload").catch((x) => x)) as ApiError).status).toBe(400);
});
