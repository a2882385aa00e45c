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

/** Builds a {@link RegistryError} from a non-2xx response, reading its `{error, reason}` body. */
export async function errorFromResponse(res: Response, url: string): Promise<RegistryError> {
  let code = `http_${res.status}`;
  let reason = res.statusText || "request failed";
  try {
    const body = (await res.json()) as { error?: unknown; reason?: unknown };
    if (typeof body.error === "string") code = body.error;
    if (typeof body.reason === "string") reason = body.reason;
  } catch {
    // not JSON: keep the status text
  }
  return new RegistryError(res.status, code, reason, url);
}
