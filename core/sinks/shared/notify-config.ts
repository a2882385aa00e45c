/**
 * Config pieces the notification sinks (alertmanager, webhook) share: a secret read from a file
 * or an environment variable, request auth, the rate limit, and how they become runtime config.
 * Secrets are read at each request (a rotated token file is picked up; a missing one halts the
 * sink with the reason), never kept in the parsed config.
 * @module
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { Duration, durationMs, found } from "../../config/fields.ts";

/** A secret: `{ file: path }` (relative to the config file; trailing newline trimmed) or `{ env: NAME }`. */
export const SecretRef = z.union([z.object({ file: z.string().min(1) }).strict(), z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }).strict()], {
  error: (i) => `expected { file: <path> } or { env: <VARIABLE> }, found ${found(i.input)}`,
});

/** Request auth: HTTP basic (password a secret) or a bearer token (a secret). */
export const NotifyAuth = z.union(
  [z.object({ basic: z.object({ username: z.string().min(1), password: SecretRef }).strict() }).strict(), z.object({ bearer_token: SecretRef }).strict()],
  { error: (i) => `expected { basic: { username, password: { file | env } } } or { bearer_token: { file | env } }, found ${found(i.input)}` },
);

/** Named rate limit defaults. */
export const RATE_LIMIT_DEFAULTS = { max_requests: 20, per: "1m" } as const;

/** At most `max_requests` requests per `per`; events that wait go out merged in the next request. */
export const RateLimitSchema = z
  .object({
    max_requests: z.number().int().positive().default(RATE_LIMIT_DEFAULTS.max_requests),
    per: Duration.default(RATE_LIMIT_DEFAULTS.per),
  })
  .strict()
  .default({ ...RATE_LIMIT_DEFAULTS });

/** A runtime secret reference (file path absolute). */
export type Secret = { file: string } | { env: string };

/** Runtime auth. */
export type NotifyAuthConfig = { basic: { username: string; password: Secret } } | { bearerToken: Secret };

/** A parsed secret → runtime (the file resolved against `configDir`). */
export function toSecret(s: z.output<typeof SecretRef>, configDir: string): Secret {
  return "file" in s ? { file: resolve(configDir, s.file) } : { env: s.env };
}

/** A parsed auth → runtime. */
export function toAuth(a: z.output<typeof NotifyAuth> | undefined, configDir: string): NotifyAuthConfig | undefined {
  if (!a) return undefined;
  return "basic" in a
    ? { basic: { username: a.basic.username, password: toSecret(a.basic.password, configDir) } }
    : { bearerToken: toSecret(a.bearer_token, configDir) };
}

/** A parsed rate limit → runtime. */
export function toRateLimit(r: z.output<typeof RateLimitSchema>): { maxRequests: number; perMs: number } {
  return { maxRequests: r.max_requests, perMs: durationMs(r.per) };
}

/** The default rate limit as runtime config. */
export const RATE_LIMIT_RUNTIME_DEFAULTS = { maxRequests: RATE_LIMIT_DEFAULTS.max_requests, perMs: durationMs(RATE_LIMIT_DEFAULTS.per) } as const;

/** Thrown by {@link readSecret} when a secret cannot be read: the message names the file or variable. */
export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretError";
  }
}

/** Longest secret file read (bytes). */
const MAX_SECRET_BYTES = 64 * 1024;

/**
 * The value of a secret now. Throws {@link SecretError} when the file is unreadable, empty or
 * over 64 KiB, or the variable is unset or empty.
 *
 * @example
 * readSecret({ env: "AM_TOKEN" }); // process.env.AM_TOKEN
 */
export function readSecret(s: Secret): string {
  if ("env" in s) {
    const v = process.env[s.env];
    if (!v) throw new SecretError(`environment variable ${s.env} is unset or empty`);
    return v;
  }
  let text: string;
  try {
    const buf = readFileSync(s.file);
    if (buf.byteLength > MAX_SECRET_BYTES) throw new SecretError(`secret file ${s.file} is over ${MAX_SECRET_BYTES} bytes`);
    text = buf.toString("utf8").replace(/\r?\n$/, "");
  } catch (err) {
    if (err instanceof SecretError) throw err;
    throw new SecretError(`cannot read secret file ${s.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!text) throw new SecretError(`secret file ${s.file} is empty`);
  return text;
}

/** The `Authorization` header value of `auth` now (throws {@link SecretError}). */
export function authorization(auth: NotifyAuthConfig): string {
  if ("basic" in auth) return `Basic ${Buffer.from(`${auth.basic.username}:${readSecret(auth.basic.password)}`).toString("base64")}`;
  return `Bearer ${readSecret(auth.bearerToken)}`;
}
