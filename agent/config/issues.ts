/**
 * Zod issue → config problem. The error hook words every issue as "expected X, found Y"; unknown
 * keys list the allowed ones.
 */
import type { z } from "zod";
import { found } from "../../core/config/fields.ts";

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

const quoteAll = (vs: readonly unknown[]) => vs.map((v) => JSON.stringify(v)).join(", ");

function bound(iss: Record<string, unknown>, small: boolean): string | undefined {
  const limit = (small ? iss.minimum : iss.maximum) as number | bigint;
  const inclusive = iss.inclusive !== false;
  const input = iss.input;
  switch (iss.origin) {
    case "array":
      return `expected ${small ? "at least" : "at most"} ${limit} item${limit === 1 ? "" : "s"}, found ${Array.isArray(input) ? input.length : found(input)}`;
    case "string":
      return small && Number(limit) === 1
        ? `expected a non-empty string, found ${found(input)}`
        : `expected ${small ? "at least" : "at most"} ${limit} characters, found ${found(input)}`;
    case "number":
    case "int":
      return `expected a number ${small ? (inclusive ? "≥" : ">") : inclusive ? "≤" : "<"} ${limit}, found ${found(input)}`;
  }
  return undefined;
}

/**
 * Per-parse zod error hook (pass as `{ error: configErrorMap }`): messages say what was expected
 * and what was found. Returns `undefined` to keep zod's wording for rare issue kinds.
 */
export function configErrorMap(issue: z.core.$ZodRawIssue): string | undefined {
  const iss = issue as unknown as Record<string, unknown> & { inst?: { _zod?: { def?: { shape?: object } } } };
  const input = iss.input;
  switch (issue.code) {
    case "invalid_type": {
      const expected = EXPECTED[String(iss.expected)] ?? String(iss.expected);
      return input === undefined ? `missing (expected ${expected})` : `expected ${expected}, found ${found(input)}`;
    }
    case "unrecognized_keys": {
      const keys = iss.keys as string[];
      const allowed = Object.keys(iss.inst?._zod?.def?.shape ?? {});
      return `unknown key${keys.length === 1 ? "" : "s"} ${quoteAll(keys)}${allowed.length ? `; allowed: ${allowed.join(", ")}` : ""}`;
    }
    case "invalid_value":
      return `expected ${(iss.values as unknown[]).length === 1 ? "" : "one of "}${quoteAll(iss.values as unknown[])}, found ${found(input)}`;
    case "invalid_union":
      if (iss.discriminator !== undefined) {
        const d = String(iss.discriminator);
        const value = input !== null && typeof input === "object" ? (input as Record<string, unknown>)[d] : undefined;
        return `${value === undefined ? "missing" : `unknown ${d} ${found(value)}`}: expected one of ${quoteAll(iss.options as unknown[])}`;
      }
      return `expected one of the allowed forms, found ${found(input)}`;
    case "too_small":
      return bound(iss, true);
    case "too_big":
      return bound(iss, false);
    case "invalid_format":
      return `expected a string matching ${String(iss.pattern ?? iss.format)}, found ${found(input)}`;
  }
  return undefined;
}
