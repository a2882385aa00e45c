import type { MiddlewareHandler } from "hono";
import type { CredentialStore } from "../store/credentials.ts";
import type { Role, TokenStore } from "../store/tokens.ts";
import { ApiError } from "./errors.ts";

/** Hono environment of registry handlers: who is calling (`agentId` when an enrolled agent's credential). */
export interface RegistryEnv {
  Variables: { role: Role; actor: string; agentId?: string };
}

/** Who a presented token is. */
export interface Identity {
  role: Role;
  /** Short id for the audit trail. */
  id: string;
  /** The agent id an enrolled agent's credential belongs to. */
  agentId?: string;
}

/** Something that tells who a token is: a {@link TokenStore}, or an {@link Authenticator}. */
export interface TokenLookup {
  identify(token: string): Identity | undefined;
}

/** A presented token that is known but no longer accepted (revoked credential, disabled shared token). */
export class TokenRefusal extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "TokenRefusal";
  }
}

/** Options of {@link Authenticator}. */
export interface AuthPolicy {
  /** Accept the shared agent tokens (`agt_…`) of before enrollment (default false: explicit opt-in). */
  legacyAgentTokens: boolean;
}

/**
 * Who a token is, under the registry's policy: publisher and enrollment tokens from the token
 * table; `agc_…` credentials of enrolled agents (bound to their agent id; a revoked one throws
 * {@link TokenRefusal} 403 `revoked`); shared agent tokens only with `legacyAgentTokens`
 * (else {@link TokenRefusal} 401 `shared_token_disabled`).
 *
 * @example
 * const auth = new Authenticator(store.tokens, store.credentials, { legacyAgentTokens: false });
 * app.post("/v1/heartbeat", requireRole(auth, "agent"), handler); // c.get("agentId")
 */
export class Authenticator implements TokenLookup {
  constructor(
    private readonly tokens: TokenStore,
    private readonly credentials: CredentialStore,
    readonly policy: AuthPolicy,
  ) {}

  identify(token: string): Identity | undefined {
    if (token.startsWith("agc_")) {
      const c = this.credentials.lookup(token);
      if (!c) return undefined;
      if (c.revoked) throw new TokenRefusal(403, "revoked", `the credential of agent ${c.agentId} was revoked`);
      return { role: "agent", id: c.agentId, agentId: c.agentId };
    }
    const who = this.tokens.identify(token);
    if (who?.role === "agent" && !this.policy.legacyAgentTokens) {
      throw new TokenRefusal(
        401,
        "shared_token_disabled",
        "shared agent tokens are disabled on this registry: enroll the agent (model.registry.enroll_token_file) or start the registry with --legacy-agent-tokens",
      );
    }
    return who;
  }
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
 * token asks for a publisher action, when an enrollment token asks for anything but enrolling,
 * or when anything but an enrollment token enrolls. `challenge` picks the `WWW-Authenticate`
 * scheme (`Basic` makes a browser ask for the token on the `/fleet` page). With an
 * {@link Authenticator}, an enrolled agent's id is set as `agentId`.
 *
 * @example
 * app.post("/v1/models/:name/versions", requireRole(auth, "publisher"), publish);
 */
export function requireRole(tokens: TokenLookup, need: Role, challenge: "Bearer" | "Basic" = "Bearer"): MiddlewareHandler<RegistryEnv> {
  const www = { "www-authenticate": `${challenge} realm="agent-registry"` };
  return async (c, next) => {
    const token = presentedToken(c.req.header("authorization"));
    if (!token) throw new ApiError(401, "unauthorized", "no token: send 'Authorization: Bearer <token>'", www);
    let who: Identity | undefined;
    try {
      who = tokens.identify(token);
    } catch (error) {
      if (error instanceof TokenRefusal) throw new ApiError(error.status, error.code, error.message, error.status === 401 ? www : {});
      throw error;
    }
    if (!who) throw new ApiError(401, "unauthorized", "unknown token", www);
    const { role } = who;
    if (need === "enroll" && role !== "enroll") throw new ApiError(403, "forbidden", "enrolling needs the operator's enrollment token");
    if (need !== "enroll" && role === "enroll") {
      throw new ApiError(403, "forbidden", "an enrollment token only enrolls (POST /v1/enroll); use the credential it gives");
    }
    if (need === "publisher" && role !== "publisher") {
      throw new ApiError(403, "forbidden", "this needs a publisher token; agent tokens can only read, resolve, download and send heartbeats");
    }
    c.set("role", role);
    c.set("actor", who.agentId ? `agent:${who.agentId}` : `${role}:${who.id}`);
    if (who.agentId) c.set("agentId", who.agentId);
    await next();
  };
}
