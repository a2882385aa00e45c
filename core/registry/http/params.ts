import type { Context } from "hono";
import { CHANNELS, isName, type Channel } from "../../../models/registry-protocol/protocol.ts";
import { ApiError } from "./errors.ts";

/** A path parameter that must be a safe name (model, version): 400 `invalid_name` otherwise. */
export function nameParam(c: Context, key: string): string {
  const v = c.req.param(key) ?? "";
  if (!isName(v)) {
    throw new ApiError(
      400,
      "invalid_name",
      `${key} ${JSON.stringify(v.slice(0, 80))} is not a valid name: 1–64 of letters, digits, '.', '_', '-', starting with a letter or digit`,
    );
  }
  return v;
}

/** The `:channel` path parameter: 400 `unknown_channel` unless it is one of {@link CHANNELS}. */
export function channelParam(c: Context): Channel {
  const v = c.req.param("channel") ?? "";
  if (!(CHANNELS as readonly string[]).includes(v)) {
    throw new ApiError(400, "unknown_channel", `unknown channel ${JSON.stringify(v.slice(0, 80))}; channels are ${CHANNELS.join(", ")}`);
  }
  return v as Channel;
}

/** True when an `If-None-Match` header matches `etag` (a list, weak validators and `*` included). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  for (const part of header.split(",")) {
    const t = part.trim();
    if (t === etag || (t.startsWith("W/") && t.slice(2) === etag)) return true;
  }
  return false;
}
