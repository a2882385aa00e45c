import type { Database } from "bun:sqlite";
import { sha256Hex } from "../../../models/format/bundle.ts";

/**
 * What a token may do: `publisher` everything, `agent` (the legacy shared agent token) read
 * models, resolve, download, heartbeat; `enroll` only `POST /v1/enroll` (an operator's
 * enrollment token, exchanged by each agent for a credential of its own).
 */
export type Role = "publisher" | "agent" | "enroll";

const PREFIX: Record<Role, string> = { publisher: "pub", agent: "agt", enroll: "enr" };

/** A fresh random token: `pub_`, `agt_` or `enr_` + 43 base64url characters (256 bits). */
export function generateToken(role: Role): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `${PREFIX[role]}_${Buffer.from(bytes).toString("base64url")}`;
}

/** sha256 hex of a token, the only form stored. */
export function hashToken(token: string): string {
  return sha256Hex(new TextEncoder().encode(token));
}

/**
 * Tokens stored hashed (sha256) in the `tokens` table, cached in memory for the hot path.
 *
 * @example
 * const tokens = new TokenStore(db);
 * tokens.add(generateToken("agent"), "agent", "bootstrap");
 * tokens.roleOf(header); // "agent" | "publisher" | undefined
 */
export class TokenStore {
  private cache = new Map<string, Role>();

  constructor(private readonly db: Database) {
    this.reload();
  }

  private reload(): void {
    const rows = this.db.query("SELECT hash, role FROM tokens").all() as { hash: string; role: Role }[];
    this.cache = new Map(rows.map((r) => [r.hash, r.role]));
  }

  /** Stores the hash of `token` with its role (replacing any earlier role of the same token). */
  add(token: string, role: Role, label: string): void {
    this.db
      .query("INSERT OR REPLACE INTO tokens (hash, role, label, created_at) VALUES ($hash, $role, $label, $at)")
      .run({ hash: hashToken(token), role, label, at: new Date().toISOString() });
    this.reload();
  }

  /**
   * The role of a presented token, or undefined when unknown. A miss looks in the database, so
   * tokens added by `agent registry token` to a running registry work at once.
   */
  roleOf(token: string): Role | undefined {
    return this.identify(token)?.role;
  }

  /** Role and a short id (first 8 hex of the hash, for the audit trail) of a presented token. */
  identify(token: string): { role: Role; id: string } | undefined {
    const hash = hashToken(token);
    let role = this.cache.get(hash);
    if (!role) {
      const row = this.db.query("SELECT role FROM tokens WHERE hash = $hash").get({ hash }) as { role: Role } | null;
      if (!row) return undefined;
      role = row.role;
      this.cache.set(hash, role);
    }
    return { role, id: hash.slice(0, 8) };
  }

  /** How many tokens of `role` exist. */
  count(role: Role): number {
    let n = 0;
    for (const r of this.cache.values()) if (r === role) n++;
    return n;
  }
}
