/**
 * The HTTP exchange of the notification sinks (alertmanager, webhook): one bounded POST, and
 * what its answer means. Unlike the http sink (../http/classify.ts), a notification endpoint
 * that refuses a request with a 4xx is not retried and its events are not dropped: the sink
 * halts with the answer as the reason and the events stay in the buffer until the config is
 * fixed (a wrong URL, refused credentials and a refused payload all need a person).
 *
 * | answer | verdict | error type |
 * |---|---|---|
 * | 2xx | delivered | – |
 * | 502, 503, 504, connection error, timeout | retry, destination unavailable | `http_<status>`, `connection_error`, `timeout` |
 * | 408, 429, other 5xx | retry (the destination is up but refuses now) | `http_<status>` |
 * | 3xx, other 4xx (400, 401, 403, 404, 413…) | halt with the answer as the reason, events kept | `http_<status>` |
 * @module
 */
import { requestErrorType } from "../http/classify.ts";
import { errorMessage } from "./result.ts";

/** What to do with the events of one notification request. */
export type NotifyVerdict = "delivered" | "retry" | "unavailable" | "halt";

/**
 * The verdict of an HTTP status for a notification request.
 *
 * @example
 * classifyNotifyStatus(404); // "halt"
 * classifyNotifyStatus(429); // "retry"
 */
export function classifyNotifyStatus(status: number): NotifyVerdict {
  if (status >= 200 && status < 300) return "delivered";
  if (status === 502 || status === 503 || status === 504) return "unavailable";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  return "halt";
}

/** The URL without its user-info, so credentials never reach reasons and logs. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return "<invalid url>";
  }
}

/** At most `max` bytes of an answer's body, on one line, control characters stripped; the rest is cancelled unread. */
export async function readReason(res: Response, max: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const parts: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < max) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      n += value.byteLength;
    }
  } catch {
    // timeout or reset while reading: keep what came
  } finally {
    reader.cancel().catch(() => {});
  }
  return new TextDecoder()
    .decode(Buffer.concat(parts).subarray(0, max))
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The outcome of one notification POST. */
export interface NotifyOutcome {
  verdict: NotifyVerdict;
  /** `http_<status>`, `timeout`, `connection_error`, `aborted`; absent when delivered. */
  errorType?: string;
  /** For a halt or a failure: what the destination said, with the URL (never its credentials). */
  reason?: string;
}

/** Options of {@link postNotification}. */
export interface PostOptions {
  url: string;
  body: string;
  headers: Headers;
  timeoutMs: number;
  /** Bytes of an error answer kept in the reason. */
  maxReasonBytes: number;
}

/**
 * POSTs one notification (redirects not followed, bounded by `timeoutMs` answer included) and
 * classifies the answer. Never throws.
 *
 * @example
 * const o = await postNotification({ url, body: "[]", headers: new Headers({ "content-type": "application/json" }), timeoutMs: 10_000, maxReasonBytes: 1024 });
 * if (o.verdict === "halt") console.error(o.reason);
 */
export async function postNotification(o: PostOptions): Promise<NotifyOutcome> {
  const shown = displayUrl(o.url);
  let res: Response;
  try {
    res = await fetch(o.url, { method: "POST", headers: o.headers, body: o.body, redirect: "manual", signal: AbortSignal.timeout(o.timeoutMs) });
  } catch (err) {
    const type = requestErrorType(err);
    return { verdict: "unavailable", errorType: type, reason: `${shown} unreachable: ${type} ${errorMessage(err)}`.trim() };
  }
  const verdict = classifyNotifyStatus(res.status);
  if (verdict === "delivered") {
    res.body?.cancel().catch(() => {});
    return { verdict };
  }
  const said = await readReason(res, o.maxReasonBytes);
  const detail = `${shown} answered HTTP ${res.status}${said ? `: ${said}` : ""}`;
  const hint =
    res.status === 401 || res.status === 403
      ? ": credentials refused"
      : res.status >= 300 && res.status < 400
        ? ": a redirect; set url to the final address"
        : verdict === "halt"
          ? ": the request was refused; fix the config and restart (events kept)"
          : "";
  return { verdict, errorType: `http_${res.status}`, reason: `${detail}${hint}` };
}

/**
 * Probes a URL with `method` for `/readyz`: undefined when it answers anything but
 * 502/503/504, else the reason.
 */
export async function probeUrl(url: string, headers: Headers, timeoutMs: number, what: string, method = "GET"): Promise<string | undefined> {
  try {
    const res = await fetch(url, { method, headers, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    res.body?.cancel().catch(() => {});
    return classifyNotifyStatus(res.status) === "unavailable" ? `${displayUrl(url)} answered HTTP ${res.status}` : undefined;
  } catch (err) {
    return `${what} unreachable at ${displayUrl(url)}: ${requestErrorType(err)} ${errorMessage(err)}`.trim();
  }
}
