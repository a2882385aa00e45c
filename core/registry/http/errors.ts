import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorBody } from "../../../models/registry/protocol.ts";
import { oneLine } from "./one-line.ts";

/** A refused request: thrown by handlers, answered as `{error, reason}` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    readonly reason: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(reason);
    this.name = "ApiError";
  }
}

/** The JSON error response of an {@link ApiError}; the reason always one line. */
export function errorResponse(c: Context, e: ApiError): Response {
  const body: ErrorBody = { error: e.code, reason: oneLine(e.reason, 2000) };
  return c.json(body, e.status, e.headers);
}

/** Parses a JSON request body or throws a 400 {@link ApiError}; an empty `optional` body is `{}`. */
export async function jsonBody(c: Context, optional = false): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim().length === 0) {
    if (optional) return {};
    throw new ApiError(400, "bad_request", "request body is empty; expected JSON");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, "bad_json", `request body is not valid JSON (truncated?): ${(error as Error).message}`);
  }
}
