import { HeartbeatSchema, type ParsedHeartbeat } from "../../../models/registry-protocol/heartbeat.ts";
import { oneLine, zodLine } from "../http/one-line.ts";

/** Largest heartbeat body accepted (bytes). */
export const MAX_HEARTBEAT_BYTES = 64 * 1024;

/** Why a heartbeat body was refused: `status` 400 (not JSON), 413 (too large) or 422 (invalid). */
export class HeartbeatError extends Error {
  constructor(
    readonly status: 400 | 413 | 422,
    readonly code: "bad_json" | "too_large" | "invalid_heartbeat",
    readonly reason: string,
  ) {
    super(reason);
    this.name = "HeartbeatError";
  }
}

/**
 * Parses a heartbeat body (bytes as received): at most {@link MAX_HEARTBEAT_BYTES}, JSON, and
 * {@link HeartbeatSchema} (every field bounded). Throws only {@link HeartbeatError}, whose
 * reason is one line.
 *
 * @example
 * const hb = parseHeartbeat(new TextEncoder().encode(JSON.stringify(body)));
 */
export function parseHeartbeat(bytes: Uint8Array): ParsedHeartbeat {
  if (bytes.byteLength > MAX_HEARTBEAT_BYTES)
    throw new HeartbeatError(413, "too_large", `heartbeat of ${bytes.byteLength} bytes is larger than ${MAX_HEARTBEAT_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new HeartbeatError(400, "bad_json", `heartbeat is not valid JSON: ${oneLine((error as Error).message, 200)}`);
  }
  const parsed = HeartbeatSchema.safeParse(json);
  if (!parsed.success) throw new HeartbeatError(422, "invalid_heartbeat", `heartbeat invalid: ${zodLine(parsed.error)}`);
  return parsed.data;
}
