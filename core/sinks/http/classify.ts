/**
 * What an HTTP answer (or its absence) means for the records of one request.
 *
 * | answer | verdict | error type |
 * |---|---|---|
 * | 2xx | delivered | – |
 * | 502, 503, 504, connection error, timeout | retry, destination unavailable | `http_<status>`, `connection_error`, `timeout` |
 * | 429, 408, other 5xx | retry (the destination is up but refuses now) | `http_<status>` |
 * | 413 | split the request in halves; one record alone → rejected | `http_413` |
 * | 401, 403 | halt (records kept) until the credentials are fixed | `http_<status>` |
 * | 3xx | halt: the URL is not the final address (a POST is never re-sent elsewhere) | `http_<status>` |
 * | other 4xx | the records are rejected (dropped, counted) | `http_<status>` |
 * @module
 */

/** What to do with the records of one request. */
export type HttpVerdict = "delivered" | "retry" | "unavailable" | "split" | "halt" | "reject";

/**
 * The verdict of an HTTP status.
 *
 * @example
 * classifyStatus(503); // "unavailable"
 * classifyStatus(422); // "reject"
 */
export function classifyStatus(status: number): HttpVerdict {
  if (status >= 200 && status < 300) return "delivered";
  if (status === 502 || status === 503 || status === 504) return "unavailable";
  if (status === 429 || status === 408 || status >= 500) return "retry";
  if (status === 413) return "split";
  if (status === 401 || status === 403 || (status >= 300 && status < 400)) return "halt";
  return "reject";
}

/** Error type of a failed request that got no answer: `timeout` or `connection_error`. */
export function requestErrorType(err: unknown): "timeout" | "connection_error" | "aborted" {
  const name = err instanceof Error ? err.name : "";
  if (name === "TimeoutError") return "timeout";
  if (name === "AbortError") return "aborted";
  return "connection_error";
}
