import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorBody } from "../../../models/registry-protocol/protocol.ts";
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
