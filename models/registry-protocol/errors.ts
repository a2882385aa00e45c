import { z } from "zod";

/**
 * A registry request that failed: `status` is the HTTP status (0 when the registry could not be
 * reached), `code` the machine code of the `{error, reason}` body and `reason` its explanation.
 */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly reason: string,
    readonly url: string,
  ) {
    super(status === 0 ? `${url}: ${reason}` : `${url}: ${status} ${code}: ${reason}`);
    this.name = "RegistryError";
  }

  /** True for failures worth retrying later (network, 429, 5xx). */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** The `{error, reason}` body of a registry error (other keys ignored; anything else: the status text). */
const ErrorBodySchema = z.object({ error: z.string().optional(), reason: z.string().optional() });

/** Most bytes of an error body read (the rest is cut off with the connection). */
const ERROR_BODY_LIMIT = 16 * 1024;

/**
 * Builds a {@link RegistryError} from a non-2xx response, reading at most 16 KiB of its
 * `{error, reason}` body (one line each, control characters removed); `abort` cuts the
 * connection of a longer body.
 */
export async function errorFromResponse(res: Response, url: string, abort: () => void = () => {}): Promise<RegistryError> {
  let code = `http_${res.status}`;
  let reason = res.statusText || "request failed";
  try {
    const reader = res.body?.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > ERROR_BODY_LIMIT) {
        abort();
        await reader.cancel().catch(() => {});
        throw new Error("error body too large");
      }
      chunks.push(value);
    }
    const body = ErrorBodySchema.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
    if (body.success && body.data.error !== undefined) code = oneLine(body.data.error, 64) || code;
    if (body.success && body.data.reason !== undefined) reason = oneLine(body.data.reason, 500) || reason;
  } catch {
    // not JSON, or too large: keep the status text
  }
  return new RegistryError(res.status, code, reason, url);
}

/** `s` without control characters, whitespace runs collapsed, at most `max` characters. */
function oneLine(s: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return s
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, max);
}
