/**
 * Reading a registry response body with a byte limit: `Content-Length` is checked before a byte
 * is read, a body without one is counted as it streams, and at the limit the read is cancelled
 * and the connection aborted — so a hostile or broken registry can never make the agent hold
 * more than `limit` bytes of one answer.
 */
import { RegistryAnswerError } from "./answers.ts";
import { RegistryError } from "./errors.ts";

/** Default limits of the answers the agent reads (bytes). */
export const ANSWER_LIMITS = {
  /** Resolve answers, heartbeat acks, error bodies: small JSON objects. */
  json: 64 * 1024,
} as const;

/**
 * The envelope bytes that carry `maxBundleBytes` of files: base64 (4/3) plus the manifest and
 * JSON framing (1 MiB).
 */
export function envelopeLimit(maxBundleBytes: number): number {
  return Math.ceil((maxBundleBytes * 4) / 3) + 1024 * 1024;
}

/**
 * The body of `res` as bytes, at most `limit` of them. Throws {@link RegistryError} `too_large`
 * (status 413) at the limit — after `abort()` cut the connection — and `unreachable` (status 0)
 * when the body breaks off or times out.
 *
 * @example
 * const bytes = await readBounded(res, 64 * 1024, url, () => ctrl.abort());
 */
export async function readBounded(res: Response, limit: number, url: string, abort: () => void = () => {}): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  const tooLarge = (n: string) =>
    new RegistryError(413, "too_large", `answer of ${n} bytes is larger than the limit of ${limit} bytes; connection closed`, url);
  if (Number.isFinite(declared) && declared > limit) {
    abort();
    await res.body?.cancel().catch(() => {});
    throw tooLarge(String(declared));
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        abort();
        await reader.cancel().catch(() => {});
        throw tooLarge(`more than ${limit}`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw new RegistryError(0, "unreachable", `answer broke off after ${total} bytes: ${(error as Error).message}`, url);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * The body of `res` parsed as JSON, at most `limit` bytes (see {@link readBounded}). Throws
 * {@link RegistryAnswerError} (`bad_answer`, status 502) when it is not JSON (e.g. truncated).
 */
export async function readBoundedJson(res: Response, limit: number, url: string, abort?: () => void): Promise<unknown> {
  const bytes = await readBounded(res, limit, url, abort);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new RegistryAnswerError("answer", `not JSON (${bytes.byteLength} bytes; truncated?): ${(error as Error).message}`, url);
  }
}
