import { chmod, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateToken, type Role, type TokenStore } from "./store/tokens.ts";

/** Where a role's token came from this start. */
export interface TokenSource {
  role: Role;
  /** `config`: given by the operator; `created`: generated now and written to `path`; `existing`: generated on an earlier start. */
  source: "config" | "created" | "existing";
  /** The 0600 token file (bootstrap tokens only). */
  path?: string;
}

/** File name of a bootstrap token in the data directory. */
export function tokenFileName(role: Role): string {
  return `${role}.token`;
}

/**
 * Makes sure the publisher and enrollment roles have a token (and the shared agent role, only
 * with `legacyAgentTokens`). Configured tokens are stored (hashed); a role with none configured
 * and none stored gets a fresh random token, written to `<dataDir>/<role>.token` readable only
 * by the owner (0600). Only hashes go into the database.
 *
 * @example
 * const sources = await ensureTokens(store.tokens, "registry-data", { publisher: [], agent: [], enroll: [] });
 */
export async function ensureTokens(
  tokens: TokenStore,
  dataDir: string,
  configured: Partial<Record<Role, string[]>>,
  legacyAgentTokens = false,
): Promise<TokenSource[]> {
  const out: TokenSource[] = [];
  // Shared agent tokens given without the legacy flag are stored (refused with a reason naming the flag), never generated.
  const roles: Role[] = legacyAgentTokens || (configured.agent ?? []).length > 0 ? ["publisher", "enroll", "agent"] : ["publisher", "enroll"];
  for (const role of roles) {
    const path = join(dataDir, tokenFileName(role));
    const given = configured[role] ?? [];
    if (given.length > 0) {
      for (const t of given) tokens.add(t, role, "config");
      out.push({ role, source: "config" });
    } else if (tokens.count(role) === 0) {
      const token = generateToken(role);
      await writeFile(path, `${token}\n`, { mode: 0o600 });
      await chmod(path, 0o600);
      tokens.add(token, role, "bootstrap");
      out.push({ role, source: "created", path });
    } else {
      const exists = await stat(path).then(
        () => true,
        () => false,
      );
      out.push({ role, source: "existing", path: exists ? path : undefined });
    }
  }
  return out;
}
