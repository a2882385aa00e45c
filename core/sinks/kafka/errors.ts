/**
 * How the Kafka sink reads kafkajs errors.
 * @module
 */

/** Broker error types meaning "this request is too big": the batch is split, not retried as is. */
export const TOO_LARGE_TYPES: ReadonlySet<string> = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"]);

type Chained = { name?: unknown; type?: unknown; cause?: unknown; originalError?: unknown };

/** The error and everything it wraps (`cause`, kafkajs' `originalError`), outermost first. */
export function errorChain(err: unknown): Chained[] {
  const out: Chained[] = [];
  let cur: unknown = err;
  while (cur && typeof cur === "object" && out.length < 8 && !out.includes(cur as Chained)) {
    const c = cur as Chained;
    out.push(c);
    cur = c.cause ?? c.originalError;
  }
  return out;
}

/** True when the broker refused the request because a message or record batch is too large. */
export function isTooLarge(err: unknown): boolean {
  return errorChain(err).some((e) => typeof e.type === "string" && TOO_LARGE_TYPES.has(e.type));
}

/**
 * Error type for the counters: `kafka_<error name>`, e.g. `kafka_KafkaJSNumberOfRetriesExceeded`.
 *
 * @example
 * kafkaErrorType(new KafkaJSConnectionError("x")); // "kafka_KafkaJSConnectionError"
 */
export function kafkaErrorType(err: unknown): string {
  const name = errorChain(err)[0]?.name;
  return `kafka_${typeof name === "string" && name ? name : "Error"}`;
}

/** One line describing the error and its root cause. */
export function describeKafkaError(err: unknown): string {
  const chain = errorChain(err);
  const msg = (e: Chained) => `${String(e.name ?? "Error")}: ${String((e as { message?: unknown }).message ?? "")}`;
  if (chain.length === 0) return String(err);
  const head = msg(chain[0]!);
  return chain.length > 1 ? `${head} (cause ${msg(chain[chain.length - 1]!)})` : head;
}
