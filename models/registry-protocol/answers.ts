/**
 * Strict schemas of the registry answers an agent reads (resolve, heartbeat ack), and their
 * parser: whatever arrives, the result is either a typed value whose names are safe path
 * segments ({@link isName}) and which answers the question asked, or a {@link RegistryAnswerError}.
 */
import { z } from "zod";
import { RegistryError } from "./errors.ts";
import { ChannelSchema, isName, SignedRollbackSchema, type Channel, type Resolution } from "./protocol.ts";
import type { HeartbeatAck } from "./heartbeat.ts";

/** A registry answer that is not what the protocol says (HTTP 502 `bad_answer`: the registry's fault). */
export class RegistryAnswerError extends RegistryError {
  constructor(what: string, problem: string, url: string) {
    super(502, "bad_answer", `${what}: ${problem}`, url);
    this.name = "RegistryAnswerError";
  }
}

/** A name or version that is also a safe single path segment. */
const SafeName = z.string().max(64).refine(isName, "expected 1–64 of letters, digits, '.', '_', '-', starting with a letter or digit");
const Timestamp = z
  .string()
  .max(64)
  .refine((s) => Number.isFinite(Date.parse(s)), "expected an ISO-8601 time");

/** `GET …/resolve` (see {@link Resolution}); unknown keys are refused. */
export const ResolutionSchema = z
  .object({
    model: SafeName,
    channel: ChannelSchema,
    agent_id: SafeName,
    bucket: z.number().int().min(0).max(99),
    version: SafeName,
    digest: z.string().regex(/^[0-9a-f]{64}$/, "expected a lowercase hex sha256"),
    cohort: z.enum(["canary", "stable", "previous"]),
    published_at: Timestamp.optional(),
    rollback: z.boolean().optional(),
    rollback_statement: SignedRollbackSchema.optional(),
    bundle_url: z.string().max(2048),
  })
  .strict() satisfies z.ZodType<Resolution>;

/**
 * `POST /v1/heartbeat`'s answer. Not strict on purpose: the agent uses none of it, so a field a
 * newer registry adds must not turn every heartbeat into a counted failure.
 */
export const HeartbeatAckSchema = z.object({
  ok: z.literal(true),
  server_time: Timestamp,
  interval_s: z.number().positive(),
}) satisfies z.ZodType<HeartbeatAck>;

/** One line naming the first problem of a failed parse. */
export function firstIssue(error: z.ZodError): string {
  const i = error.issues[0];
  return `${i.path.join(".") || "(root)"}: ${i.message}`.replace(/\s+/g, " ").slice(0, 300);
}

/**
 * Parses a resolve answer for the question asked: the model, channel and agent id must be the
 * ones requested. Throws {@link RegistryAnswerError} otherwise (never anything else).
 *
 * @example
 * const res = parseResolution(await res.json(), { model: "host-ae", channel: "stable", agentId: "edge-01" }, url);
 */
export function parseResolution(json: unknown, asked: { model: string; channel: Channel; agentId: string }, url = ""): Resolution {
  const parsed = ResolutionSchema.safeParse(json);
  if (!parsed.success) throw new RegistryAnswerError("resolve answer", firstIssue(parsed.error), url);
  const r = parsed.data;
  if (r.model !== asked.model)
    throw new RegistryAnswerError("resolve answer", `model ${JSON.stringify(r.model)} is not the model asked for (${asked.model})`, url);
  if (r.channel !== asked.channel) throw new RegistryAnswerError("resolve answer", `channel ${r.channel} is not the channel asked for (${asked.channel})`, url);
  if (r.agent_id !== asked.agentId)
    throw new RegistryAnswerError("resolve answer", `agent_id ${JSON.stringify(r.agent_id)} is not this agent (${asked.agentId})`, url);
  return r;
}

/** Parses a heartbeat ack; throws {@link RegistryAnswerError}. */
export function parseHeartbeatAck(json: unknown, url = ""): HeartbeatAck {
  const parsed = HeartbeatAckSchema.safeParse(json);
  if (!parsed.success) throw new RegistryAnswerError("heartbeat answer", firstIssue(parsed.error), url);
  return parsed.data;
}

/** `POST /v1/enroll`'s answer: this agent's own credential. */
export const EnrollAnswerSchema = z
  .object({
    agent_id: SafeName,
    credential: z.string().regex(/^agc_[A-Za-z0-9_-]{43}$/, "expected agc_ and 43 base64url characters"),
    enrolled_at: Timestamp,
  })
  .strict();
export type EnrollResult = z.infer<typeof EnrollAnswerSchema>;

/** Parses an enrollment answer for `agentId`; throws {@link RegistryAnswerError}. */
export function parseEnrollAnswer(json: unknown, agentId: string, url = ""): EnrollResult {
  const parsed = EnrollAnswerSchema.safeParse(json);
  if (!parsed.success) throw new RegistryAnswerError("enroll answer", firstIssue(parsed.error), url);
  if (parsed.data.agent_id !== agentId)
    throw new RegistryAnswerError("enroll answer", `agent_id ${JSON.stringify(parsed.data.agent_id)} is not this agent (${agentId})`, url);
  return parsed.data;
}
