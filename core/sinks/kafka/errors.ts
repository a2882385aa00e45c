/**
 * How the Kafka sink reads kafkajs errors.
 * @module
 */

import { tlsFailure } from "../../config/tls.ts";

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
  const tls = tlsFailure(err);
  if (tls) return `kafka_tls_${tls.code}`;
  const name = errorChain(err)[0]?.name;
  return `kafka_${typeof name === "string" && name ? name : "Error"}`;
}

/** One line describing the error and its root cause (and, for a TLS failure, what to fix). */
export function describeKafkaError(err: unknown): string {
  const tls = tlsFailure(err);
  if (tls) return `${tls.reason}: ${describeChain(err)}`;
  return describeChain(err);
}

function describeChain(err: unknown): string {
  const chain = errorChain(err);
  const msg = (e: Chained) => `${String(e.name ?? "Error")}: ${String((e as { message?: unknown }).message ?? "")}`;
  if (chain.length === 0) return String(err);
  const head = msg(chain[0]!);
  return chain.length > 1 ? `${head} (cause ${msg(chain[chain.length - 1]!)})` : head;
}

/** Broker error types meaning "these credentials may not do this": retrying cannot help. */
export const AUTH_TYPES: ReadonlySet<string> = new Set([
  "SASL_AUTHENTICATION_FAILED",
  "TOPIC_AUTHORIZATION_FAILED",
  "CLUSTER_AUTHORIZATION_FAILED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
  "ILLEGAL_SASL_STATE",
  "UNSUPPORTED_SASL_MECHANISM",
]);

/**
 * When the broker refused the credentials (SASL authentication failed, mechanism not enabled)
 * or what they may do (ACLs): the reason to halt the sink with. Undefined for anything else.
 *
 * @example
 * authFailure(new KafkaJSSASLAuthenticationError("SASL SCRAM SHA256 authentication failed")); // "kafka refused the credentials: …"
 */
export function authFailure(err: unknown): string | undefined {
  const hit = errorChain(err).some((e) => e.name === "KafkaJSSASLAuthenticationError" || (typeof e.type === "string" && AUTH_TYPES.has(e.type)));
  return hit ? `kafka refused the credentials: ${describeKafkaError(err)}` : undefined;
}
