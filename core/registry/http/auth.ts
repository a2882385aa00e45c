import type { MiddlewareHandler } from "hono";
import type { Role, TokenStore } from "../store/tokens.ts";
import { ApiError } from "./errors.ts";

/** Hono environment of registry handlers: who is calling. */
export interface RegistryEnv {
  Variables: { role: Role; actor: string };
}

/** The token of a request: `Authorization: Bearer T`, or `Basic` with T as the password (browsers). */
export function presentedToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const sp = header.indexOf(" ");
  if (sp < 0) return undefined;
  const scheme = header.slice(0, sp).toLowerCase();
  const value = header.slice(sp + 1).trim();
  if (scheme === "bearer") return value || undefined;
  if (scheme === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon >= 0 ? decoded.slice(colon + 1) || undefined : undefined;
  }
  return undefined;
}

/**
 * Requires a known token: 401 when none or an unknown one is presented, 403 when an agent
 * token asks for a publisher action. `challenge` picks the `WWW-Authenticate` scheme (`Basic`
 * makes a browser ask for the token on the `/fleet` page).
 *
 * @example
 * app.post("/v1/models/:name/versions", requireRole(tokens, "publisher"), publish);
 */
export function requireRole(tokens: TokenStore, need: Role, challenge: "Bearer" | "Basic" = "Bearer"): MiddlewareHandler<RegistryEnv> {
  const www = { "www-authenticate": `${challenge} realm="agent-registry"` };
  return async (c, next) => {
    const token = presentedToken(c.req.header("authorization"));
    if (!token) throw new ApiError(401, "unauthorized", "no token: send 'Authorization: Bearer <token>'", www);
    const who = tokens.identify(token);
    if (!who) throw new ApiError(401, "unauthorized", "unknown token", www);
    const { role } = who;
    if (need === "publisher" && role !== "publisher") {
      throw new ApiError(403, "forbidden", "this needs a publisher token; agent tokens can only read, resolve, download and send heartbeats");
    }
    c.set("role", role);
    c.set("actor", `${role}:${who.id}`);
    await next();
  };
}
