import type { Context } from "hono";
import { ApiError } from "./errors.ts";
import { oneLine } from "./one-line.ts";

/**
 * Reads a request body of at most `maxBytes`: a `Content-Length` above it is refused before a
 * byte is read; a chunked body is counted as it arrives and the stream is cancelled at the
 * limit. Either way the 413 carries `Connection: close`, so the server drops the connection
 * instead of draining the rest. `what` names the body in the reason.
 *
 * @example
 * const bytes = await readBodyLimited(c.req.raw, 64 * 1024, "heartbeat");
 */
export async function readBodyLimited(req: Request, maxBytes: number, what: string): Promise<Uint8Array> {
  const tooLarge = (n: number | string) =>
    new ApiError(413, "too_large", `${what} of ${n} bytes is larger than the limit of ${maxBytes} bytes`, { connection: "close" });
  const declared = req.headers.get("content-length");
  if (declared !== null && !req.headers.has("transfer-encoding")) {
    const n = Number(declared);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new ApiError(400, "bad_request", `Content-Length ${JSON.stringify(declared.slice(0, 40))} is not a byte count`);
    if (n > maxBytes) throw tooLarge(n);
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(`more than ${maxBytes}`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Parses a JSON body read with {@link readBodyLimited}: 400 `bad_request` when empty (unless
 * `optional`, then `{}`), 400 `bad_json` when not JSON.
 */
export function parseJsonBytes(bytes: Uint8Array, optional = false): unknown {
  const text = new TextDecoder().decode(bytes);
  if (text.trim().length === 0) {
    if (optional) return {};
    throw new ApiError(400, "bad_request", "request body is empty; expected JSON");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, "bad_json", `request body is not valid JSON (truncated?): ${oneLine((error as Error).message)}`);
  }
}

/**
 * Parses the JSON body of a route that is already size-limited (hono's `bodyLimit`); same errors
 * as {@link parseJsonBytes}.
 */
export async function jsonBody(c: Context, optional = false): Promise<unknown> {
  return parseJsonBytes(new Uint8Array(await c.req.arrayBuffer()), optional);
}
