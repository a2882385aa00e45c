/**
 * The Prometheus source: scrapes a `/metrics` endpoint in the text exposition format 0.0.4.
 *
 * @module
 */
import type { CollectResult, ComponentError } from "../../events.ts";
import type { Source } from "../source.ts";
import { parseExposition } from "./parse.ts";

export { parseExposition, MAX_REPORTED_ERRORS, type PromType } from "./parse.ts";
export { parseSampleLine, parseValue } from "./line.ts";

/** Options of {@link createPrometheusSource}. */
export interface PrometheusSourceOptions {
  id: string;
  /** The endpoint, e.g. `http://127.0.0.1:9100/metrics`. */
  url: string;
  intervalMs: number;
  /** Bound of one scrape (connect + body). Default min(10 000, intervalMs). */
  timeoutMs?: number;
  /** Extra request headers (e.g. `Authorization`); they may override `Accept`. */
  headers?: Record<string, string>;
}

/** The `Accept` header sent: the text format 0.0.4, which every Prometheus client serves. */
export const PROMETHEUS_ACCEPT = "text/plain;version=0.0.4;q=1,*/*;q=0.1";

/** Upper bound of the default timeout. */
export const PROMETHEUS_MAX_DEFAULT_TIMEOUT_MS = 10_000;

/** A Prometheus scrape source. */
export interface PrometheusSource extends Source {
  readonly type: "prometheus";
  readonly url: string;
}

/** The URL without its user-info, so credentials never reach error messages. */
function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return url;
  }
}

/** Classify a failed fetch: our timeout, the caller's abort, or the target being unreachable. */
function classify(err: unknown, timeout: AbortSignal, outer: AbortSignal | undefined, where: string, ms: number): ComponentError {
  if (timeout.aborted) return { type: "timeout", message: `${where}: no complete answer within ${ms} ms` };
  if (outer?.aborted) return { type: "aborted", message: `${where}: scrape aborted by the runtime` };
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === "string" ? `${e.code}: ` : "";
  return { type: "unreachable", message: `${where}: ${code}${String(e?.message ?? err)}` };
}

/**
 * Create a Prometheus scrape source. Each round fetches `url` with
 * `Accept: text/plain;version=0.0.4`, bounded by `timeoutMs` and by the runtime's `signal`.
 * A non-2xx answer is an `http_status` error, a timeout `timeout`, a refused or failed
 * connection `unreachable`; a body that is not the text format yields `parse_error`s (see
 * {@link parseExposition}). Sample types come from `# TYPE`; timestamps are `now` unless the
 * exposition carries its own.
 *
 * @example
 * const src = createPrometheusSource({ id: "node", url: "http://127.0.0.1:9100/metrics", intervalMs: 15_000 });
 * const { samples, errors } = await src.collect(Date.now());
 */
export function createPrometheusSource(opts: PrometheusSourceOptions): PrometheusSource {
  const timeoutMs = opts.timeoutMs ?? Math.min(PROMETHEUS_MAX_DEFAULT_TIMEOUT_MS, opts.intervalMs);
  const headers: Record<string, string> = { Accept: PROMETHEUS_ACCEPT, ...opts.headers };
  const where = displayUrl(opts.url);
  return {
    id: opts.id,
    type: "prometheus",
    url: opts.url,
    intervalMs: opts.intervalMs,
    async collect(now: number, signal?: AbortSignal): Promise<CollectResult> {
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
      let text: string;
      try {
        const res = await fetch(opts.url, { headers, signal: combined, redirect: "follow" });
        if (!res.ok) {
          await res.body?.cancel().catch(() => {});
          const error = { type: "http_status", message: `${where}: HTTP ${res.status} ${res.statusText}`.trimEnd() };
          return { samples: [], errors: [error] };
        }
        text = await res.text();
      } catch (err) {
        return { samples: [], errors: [classify(err, timeout, signal, where, timeoutMs)] };
      }
      return parseExposition(text, now);
    },
  };
}
