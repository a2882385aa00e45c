/**
 * Field types shared by the config schemas (the agent's sections and every component's):
 * ids, durations, byte sizes, URLs, `host:port`. Their error messages say what was expected and
 * what was found.
 */
import { z } from "zod";
import { DURATION_HINT, DURATION_PATTERN, parseDuration } from "./duration.ts";
import { isHttpUrl, parseHostPort } from "./net.ts";
import { parseSize, SIZE_HINT } from "./size.ts";

/** Describes a config value for an error message: `"abc"`, `42`, `a list`, `nothing`. */
export function found(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

/** Pattern of component ids (used in file names, metric labels and document fields). */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A component or agent id. */
export const Id = z.string().regex(ID_PATTERN, { error: (i) => `expected an id of letters, digits, '.', '_', '-' (max 64), found ${found(i.input)}` });

const durationError = (i: { input?: unknown }) => `expected ${DURATION_HINT}, found ${found(i.input)}`;

/**
 * A positive duration: a string such as `10s` or a number of seconds. Kept as written in the
 * parsed config; `toRuntimeConfig` turns it into milliseconds.
 */
export const Duration = z.union(
  [
    z.number({ error: durationError }).positive({ error: durationError }),
    z
      .string({ error: durationError })
      .regex(DURATION_PATTERN, { error: durationError })
      .refine((s) => !DURATION_PATTERN.test(s) || (parseDuration(s) ?? 0) > 0, { error: (i) => `expected a positive duration, found ${found(i.input)}` }),
  ],
  { error: durationError },
);

/** A duration as written in YAML. */
export type DurationInput = z.infer<typeof Duration>;

/** Milliseconds of a duration the schema accepted. */
export function durationMs(value: DurationInput): number {
  return parseDuration(value) ?? 0;
}

const sizeError = (i: { input?: unknown }) => `expected ${SIZE_HINT}, found ${found(i.input)}`;

/** A positive byte size: a string such as `256MiB` or a number of bytes. `toRuntimeConfig` turns it into bytes. */
export const ByteSize = z.union(
  [
    z.number({ error: sizeError }).int({ error: sizeError }).positive({ error: sizeError }),
    z.string({ error: sizeError }).refine((s) => (parseSize(s) ?? 0) > 0, { error: sizeError }),
  ],
  { error: sizeError },
);

/** Bytes of a size the schema accepted. */
export function sizeBytes(value: z.infer<typeof ByteSize>): number {
  return parseSize(value) ?? 0;
}

/** An absolute http(s) URL. */
export const HttpUrl = z.string().refine(isHttpUrl, { error: (i) => `expected an http:// or https:// URL, found ${found(i.input)}` });

/** A `host:port` address. */
export const HostPortString = z
  .string()
  .refine((s) => parseHostPort(s) !== undefined, { error: (i) => `expected host:port (port 0-65535), found ${found(i.input)}` });
